package calibrate

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/stats"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/cogload/cogload/mock"
)

// Sample minimums: a rate is estimated from MinRateSamples answers on,
// and a latency table from MinLatencySamples; below that one answer more
// or less moves the value by more than the mock's fidelity is worth.
const (
	MinRateSamples    = 30
	MinLatencySamples = 30
)

// tableQuantiles are the quantiles a calibrated latency table lists
// between the fastest (q 0) and the slowest (q 1) answer, as far as the
// sample count resolves them (three answers beyond each).
var tableQuantiles = []float64{0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 0.9999}

const tailSamples = 3

// latency sets each outcome's quantile table.
func (r *Result) latency(d *data) {
	for _, name := range d.order {
		o := d.outcomes[name]
		field := "latency.outcomes." + name
		if !domain.IsAnswer(name) {
			r.Notes = append(r.Notes, fmt.Sprintf("%s (%s requests) is not the service's answer (a transport failure, or a request the load generator could not send): not part of the pool's latency", name, textfmt.Count(o.count)))
			continue
		}
		if spec, _ := cognito.Lookup(name); name != domain.OutcomeOK && !spec.GUAVC {
			r.keep(field, "not an error GetUserAttributeVerificationCode answers with")
			continue
		}
		n := uint64(0)
		if o.hist != nil {
			n = uint64(o.hist.TotalCount())
		}
		if n < MinLatencySamples {
			r.keep(field, fmt.Sprintf("%d answers in %s, fewer than %d: the pool's latency model stays", n, from(o.archives), MinLatencySamples))
			continue
		}
		if r.Config.Latency.Outcomes == nil {
			r.Config.Latency.Outcomes = map[string]mock.LatencyConfig{}
		}
		r.Config.Latency.Outcomes[name] = mock.LatencyConfig{Quantiles: table(o.hist)}
		r.set(field, fmt.Sprintf("quantile table of %d points", len(r.Config.Latency.Outcomes[name].Quantiles)),
			fmt.Sprintf("%s answers in %s: %s", textfmt.Count(n), from(o.archives), quantileCIs(o.hist)))
	}
}

// table reads a quantile table off h: the fastest answer, each resolvable
// quantile, the slowest.
func table(h *hdr.Histogram) []mock.QuantilePoint {
	n := float64(h.TotalCount())
	at := func(us int64) time.Duration { return time.Duration(us) * time.Microsecond }
	t := []mock.QuantilePoint{{Q: 0, Latency: at(h.Min())}}
	for _, q := range tableQuantiles {
		if n*min(q, 1-q) < tailSamples {
			continue
		}
		t = append(t, mock.QuantilePoint{Q: q, Latency: max(at(h.ValueAtQuantile(100*q)), t[len(t)-1].Latency)})
	}
	return append(t, mock.QuantilePoint{Q: 1, Latency: max(at(h.Max()), t[len(t)-1].Latency)})
}

// quantileCIs writes p50 and (when resolved) p99 with distribution-free
// 95% intervals.
func quantileCIs(h *hdr.Histogram) string {
	n := uint64(h.TotalCount())
	var parts []string
	for _, q := range []float64{0.5, 0.99} {
		if float64(n)*(1-q) < tailSamples {
			parts = append(parts, fmt.Sprintf("p%s not resolved (needs %.0f answers)", qName(q), math.Ceil(tailSamples/(1-q))))
			continue
		}
		lo, hi := stats.QuantileRanks(n, q, stats.Z95)
		ms := func(rank uint64) string {
			return textfmt.Ms(float64(h.ValueAtQuantile(100*float64(rank)/float64(n))) / 1e3)
		}
		parts = append(parts, fmt.Sprintf("p%s %s (95%% CI %s–%s)", qName(q), textfmt.Ms(float64(h.ValueAtQuantile(100*q))/1e3), ms(lo), ms(hi)))
	}
	return strings.Join(parts, ", ")
}

func qName(q float64) string { return strconv.FormatFloat(100*q, 'g', -1, 64) }

// rate is k of n with its Wilson interval, and both written for people.
func rate(k, n uint64) (float64, stats.Interval, string) {
	iv := stats.Proportion(k, n, stats.Z95)
	return round6(iv.Value), iv, fmt.Sprintf("%s of %s (%s, 95%% CI %s–%s)", textfmt.Count(k), textfmt.Count(n), textfmt.Share(iv.Value), textfmt.Share(iv.Lo), textfmt.Share(iv.Hi))
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// faults sets the probability of the service's own faults.
func (r *Result) faults(d *data) {
	names := []string{cognito.ErrInternalError}
	for _, name := range d.order {
		if spec, ok := cognito.Lookup(name); ok && spec.GUAVC && spec.Class == cognito.ClassServer && name != cognito.ErrInternalError {
			names = append(names, name)
		}
	}
	for _, name := range names {
		field := "faults." + name
		if d.answers < MinRateSamples {
			r.keep(field, fmt.Sprintf("%d answers in the archives, fewer than %d", d.answers, MinRateSamples))
			continue
		}
		var k uint64
		if o := d.outcomes[name]; o != nil {
			k = o.count
		}
		if r.Config.Faults == nil {
			r.Config.Faults = map[string]float64{}
		}
		p, iv, text := rate(k, d.answers)
		r.Config.Faults[name] = p
		r.setCI(field, textfmt.Share(p), text+" answers in "+from(r.Archives), iv)
	}
	for name := range r.Config.Faults {
		if spec, _ := cognito.Lookup(name); spec.Class != cognito.ClassServer {
			r.keep("faults."+name, "an injected fault of the base, not the service's own: kept as it is")
		}
	}
}

// delivery sets the email and SMS delivery failure rates: of the codes
// that reached delivery (answered ok or CodeDeliveryFailureException),
// the share that failed.
func (r *Result) delivery(d *data) {
	for _, m := range []struct {
		attr, field string
		set         *float64
	}{
		{cognito.AttributeEmail, "delivery.email.failureRate", &r.Config.Delivery.Email.FailureRate},
		{cognito.AttributePhoneNumber, "delivery.sms.failureRate", &r.Config.Delivery.SMS.FailureRate},
	} {
		outs := d.byAttr[m.attr]
		failed := outs[cognito.ErrCodeDeliveryFailure]
		reached := failed + outs[domain.OutcomeOK]
		if reached < MinRateSamples {
			r.keep(m.field, fmt.Sprintf("%d %s codes reached delivery, fewer than %d", reached, m.attr, MinRateSamples))
			continue
		}
		p, iv, text := rate(failed, reached)
		*m.set = p
		r.setCI(m.field, textfmt.Share(p), fmt.Sprintf("%s %s codes that reached delivery failed, in %s", text, m.attr, from(r.Archives)), iv)
		r.Values[len(r.Values)-1].line = true
	}
}

var triggerFailures = []string{cognito.ErrUserLambdaValidation, cognito.ErrUnexpectedLambda, cognito.ErrInvalidLambdaResponse}

// trigger sets the custom-message trigger's failures and latency when
// the pool has one (the base's, or trigger failures were seen).
func (r *Result) trigger(d *data) {
	t := &r.Config.CustomMessageTrigger
	seen := count(countsOf(d), ofClass(cognito.ClassTrigger))
	if !t.Enabled && seen == 0 {
		r.keep("customMessageTrigger", "the base has no trigger and no trigger failure was answered")
		return
	}
	if !t.Enabled {
		t.Enabled = true
		r.set("customMessageTrigger.enabled", "true", fmt.Sprintf("%d trigger failures answered in %s", seen, from(r.Archives)))
	}
	var reached uint64
	all := map[string]uint64{}
	for _, attr := range []string{cognito.AttributeEmail, cognito.AttributePhoneNumber} {
		for o, c := range d.byAttr[attr] {
			all[o] += c
		}
	}
	reached = count(all, either(is(domain.OutcomeOK, cognito.ErrCodeDeliveryFailure), ofClass(cognito.ClassTrigger)))
	if reached < MinRateSamples {
		r.keep("customMessageTrigger.failures", fmt.Sprintf("%d requests reached the trigger, fewer than %d", reached, MinRateSamples))
	} else {
		if t.Failures == nil {
			t.Failures = map[string]float64{}
		}
		for _, name := range triggerFailures {
			p, iv, text := rate(all[name], reached)
			t.Failures[name] = p
			r.setCI("customMessageTrigger.failures."+name, textfmt.Share(p), text+" requests that reached the trigger", iv)
			r.Values[len(r.Values)-1].line = true
		}
	}
	r.triggerLatency(d)
}

// triggerLatency estimates the trigger's latency as the difference of
// the p50 (and p99) of answers that ran it (ok) and of the most frequent
// answer refused before it (an auth or validation error).
func (r *Result) triggerLatency(d *data) {
	const field = "customMessageTrigger.latency"
	ok := d.outcomes[domain.OutcomeOK]
	var pre *outcome
	for _, name := range d.order {
		o := d.outcomes[name]
		if ofClass(cognito.ClassAuth, cognito.ClassValidation)(name) && o.hist != nil && o.hist.TotalCount() >= MinLatencySamples {
			pre = o
			break
		}
	}
	switch {
	case ok == nil || ok.hist == nil || ok.hist.TotalCount() < MinLatencySamples:
		r.keep(field, fmt.Sprintf("fewer than %d ok answers to measure it by", MinLatencySamples))
		return
	case pre == nil:
		r.keep(field, fmt.Sprintf("no answer refused before the trigger (an auth or validation error) with %d samples to measure it against", MinLatencySamples))
		return
	}
	q := func(h *hdr.Histogram, p float64) time.Duration {
		return time.Duration(h.ValueAtQuantile(p)) * time.Microsecond
	}
	p50 := q(ok.hist, 50) - q(pre.hist, 50)
	if p50 <= 0 {
		r.keep(field, fmt.Sprintf("ok answers are no slower than %s answers at the median: no trigger latency to measure", pre.name))
		return
	}
	p99 := p50
	if min(ok.hist.TotalCount(), pre.hist.TotalCount()) >= 300 {
		p99 = max(p50, q(ok.hist, 99)-q(pre.hist, 99))
	}
	r.Config.CustomMessageTrigger.Latency = mock.LatencyConfig{P50: p50.Round(time.Microsecond), P99: p99.Round(time.Microsecond)}
	r.set(field, fmt.Sprintf("p50 %s, p99 %s", p50.Round(time.Microsecond), p99.Round(time.Microsecond)),
		fmt.Sprintf("rough: ok answers (%s, which run the trigger) less %s answers (%s, refused before it), quantile by quantile; the outcome tables already include it",
			textfmt.Count(uint64(ok.hist.TotalCount())), pre.name, textfmt.Count(uint64(pre.hist.TotalCount()))))
}

func countsOf(d *data) map[string]uint64 {
	m := map[string]uint64{}
	for name, o := range d.outcomes {
		m[name] = o.count
	}
	return m
}

// quota sets the category quota's rate and burst from the throttle probe
// that throttled longest.
func (r *Result) quota(d *data) {
	var best *aggregate.Probe
	var bestName string
	var why []string
	for _, s := range d.srcs {
		p, err := aggregate.ThrottleProbe(s.Summary)
		name := archiveName(s.Summary)
		switch {
		case errors.Is(err, aggregate.ErrNotProbe):
			why = append(why, name+": no stage climbs")
			continue
		case err != nil:
			why = append(why, name+": "+err.Error())
			continue
		case p.Fit.Onset < 0:
			why = append(why, fmt.Sprintf("%s climbed to %s without sustained throttling: the quota is above it", name, textfmt.Rate(s.Summary.Totals.PeakTargetRate)))
			continue
		case !p.Fit.Found():
			why = append(why, fmt.Sprintf("%s throttled from %s but for fewer than 2 full seconds: hold the top rate longer", name, textfmt.Rate(p.Fit.OnsetRate)))
			continue
		}
		if best == nil || p.Fit.Seconds > best.Fit.Seconds {
			best, bestName = &p, name
		}
	}
	if best == nil {
		why = append(why, "run a throttle-probe-style scenario (steps climbing past the quota) against the pool")
		r.keep("quotas.rps, quotas.burst", strings.Join(why, "; "))
		return
	}
	f := best.Fit
	rps := math.Round(f.Rate.Value*10) / 10
	burst := int(f.Burst)
	r.Config.Quotas.RPS, r.Config.Quotas.Burst = &rps, &burst
	r.setCI("quotas.rps", textfmt.Rate(rps), fmt.Sprintf("admitted while throttled: %s (95%% CI %s–%s) over %d seconds of %s, whose throttling set in at %s (steps of %s)",
		textfmt.Rate(f.Rate.Value), textfmt.Rate(f.Rate.Lo), textfmt.Rate(f.Rate.Hi), f.Seconds, bestName, textfmt.Rate(f.OnsetRate), textfmt.Rate(best.Step)), f.Rate)
	r.set("quotas.burst", strconv.Itoa(burst), fmt.Sprintf("requests the load drained from the full bucket before the onset in %s (its per-second deficit over the admitted rate); resolution about one second's excess", bestName))
	if best.RateQuotaShare < 0.9 {
		r.Notes = append(r.Notes, fmt.Sprintf("%s: %s of its throttled answers were LimitExceededException (per-user limits), which the fit leaves out", bestName, textfmt.Share(1-best.RateQuotaShare)))
	}
}

// users sets the generated users' email and phone shares from the valid
// tokens' answers: of the requests that reached the attribute check, the
// share answered "no such attribute" (InvalidParameterException).
func (r *Result) users(d *data) {
	g := r.Config.Users.Generate
	if g == nil {
		r.keep("users.generate", "the base lists its users instead of generating them")
		return
	}
	reachedAttr := either(is(domain.OutcomeOK, cognito.ErrInvalidParameter, cognito.ErrLimitExceeded),
		ofClass(cognito.ClassDelivery, cognito.ClassTrigger))
	for _, m := range []struct {
		attr, field string
		set         func(missing float64) float64
		dst         *float64
	}{
		{cognito.AttributeEmail, "users.generate.noEmailShare", func(m float64) float64 { return m }, &g.NoEmailShare},
		{cognito.AttributePhoneNumber, "users.generate.phoneShare", func(m float64) float64 { return 1 - m }, &g.PhoneShare},
	} {
		outs := d.validByAttr[m.attr]
		reached := count(outs, reachedAttr)
		if reached < MinRateSamples {
			r.keep(m.field, fmt.Sprintf("%d valid-token requests on %s reached the attribute check, fewer than %d", reached, m.attr, MinRateSamples))
			continue
		}
		missing := outs[cognito.ErrInvalidParameter]
		p, _, text := rate(missing, reached)
		*m.dst = round6(m.set(p))
		r.set(m.field, textfmt.Share(*m.dst), fmt.Sprintf("%s valid-token requests on %s were answered \"no registered %s\"", text, m.attr, m.attr))
		r.Values[len(r.Values)-1].line = true
	}
	email, phone := d.byAttr[cognito.AttributeEmail][domain.OutcomeOK], d.byAttr[cognito.AttributePhoneNumber][domain.OutcomeOK]
	if total := email + phone; total > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("delivery medium mix of the %s codes sent: %s EMAIL, %s SMS (the mock sends by the attribute asked for)",
			textfmt.Count(total), textfmt.Share(float64(email)/float64(total)), textfmt.Share(float64(phone)/float64(total))))
	}
}
