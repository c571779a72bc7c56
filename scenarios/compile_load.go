package scenarios

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

func (c *compiler) load() {
	l := c.s.Load
	p := c.plan
	p.Timeout, p.Connections, p.Seed = DefaultTimeout, DefaultConnections, c.seed()
	if l == nil || len(l.Stages) == 0 {
		c.fail("$.load.stages", "at least one stage is required", "add load: {stages: [{duration: 10s, rate: 10}]}")
		return
	}
	if l.Timeout != nil {
		if *l.Timeout <= 0 {
			c.failf("$.load.timeout", "give the per-request timeout, e.g. 5s, or leave it out for "+DefaultTimeout.String(),
				"must be > 0, got %s: without one, a request the target never answers would hold its place in flight for good", *l.Timeout)
		}
		p.Timeout = *l.Timeout
	}
	if l.Connections != nil {
		if *l.Connections < 1 {
			c.fail("$.load.connections", "must be at least 1", "give the number of idle connections per host, e.g. 64")
		}
		p.Connections = *l.Connections
	}
	if l.MaxWorkers != nil {
		p.MaxWorkers = *l.MaxWorkers
	}
	if l.MaxInFlight != nil {
		if n := *l.MaxInFlight; n < 1 || n > maxInFlight {
			c.failf("$.load.maxInFlight", "give how many requests may be in flight at once, e.g. 2000, or leave it out for the default", "must be between 1 and %d, got %d", maxInFlight, n)
		}
		p.MaxInFlight = *l.MaxInFlight
	}
	if l.TokenRefresh < 0 {
		c.fail("$.load.tokenRefresh", "must not be negative", "give an interval such as 10m, or leave it out to refresh only before expiry")
	}
	p.TokenRefresh = l.TokenRefresh
	seen := map[string]bool{}
	for i, ss := range l.Stages {
		at := fmt.Sprintf("$.load.stages[%d]", i)
		st, ok := c.stage(at, i, ss)
		if !ok {
			continue
		}
		if seen[st.Name] {
			c.failf(at+".name", "give each stage a distinct name", "duplicate stage name %q", st.Name)
		}
		seen[st.Name] = true
		p.Stages = append(p.Stages, st)
	}
	if len(c.errs) == 0 {
		c.overrides()
	}
	if len(c.errs) == 0 {
		c.settle()
	}
}

// settle makes the plan say what the pacer will do, once the overrides
// are applied: a steps stage whose duration ends its climb early says the
// rate it reaches (with a warning), and a plan that sends nothing is
// refused.
func (c *compiler) settle() {
	p := c.plan
	for i := range p.Stages {
		st := &p.Stages[i]
		segs := st.Segments()
		if st.Kind != StageSteps || len(segs) == 0 {
			continue
		}
		if reached := segs[len(segs)-1].From; reached != st.To {
			p.Warnings = append(p.Warnings, fmt.Sprintf("stage %s: the steps reach %s req/s, not %s: its %s end the climb after %d of %d steps; the plan says %s (lengthen the stage, or leave its duration out, to reach %s)",
				st.Name, plainNum(reached), plainNum(st.To), st.Duration, len(segs), int(math.Floor(math.Abs(st.To-st.From)/math.Abs(st.Step)+1e-9))+1, plainNum(reached), plainNum(st.To)))
			st.To = reached
		}
	}
	if p.TotalRequests() == 0 {
		msg := fmt.Sprintf("the plan sends no request: its stages schedule %.3g of one in all", p.RequestsUpTo(p.TotalDuration()))
		hint := "raise a rate or lengthen a stage"
		if c.opts.Rate != nil || c.opts.Duration != nil {
			hint += ", or give a larger --rate or --duration"
		}
		c.fail("$.load.stages", msg, hint)
	}
}

func (c *compiler) rate(path string, v *float64, what string, allowZero bool) float64 {
	if v == nil {
		c.fail(path, what+" is required", "give requests per second")
		return 0
	}
	r := *v
	if math.IsNaN(r) || math.IsInf(r, 0) || r < 0 || r > maxRate || (!allowZero && r == 0) {
		bound, hint := "> 0", "give requests per second"
		if allowZero {
			bound = "≥ 0"
		}
		if what == "steps.step" {
			hint = "give the change per step in requests per second"
		} else if r == 0 && !allowZero {
			hint = "0 would mean unlimited to vegeta; give requests per second"
		}
		c.failf(path, hint, "%s must be %s and at most %g req/s, got %v", what, bound, maxRate, r)
		return 0
	}
	return r
}

func (c *compiler) stage(at string, i int, ss StageSpec) (Stage, bool) {
	st := Stage{Name: ss.Name, Duration: ss.Duration}
	if st.Name == "" {
		st.Name = fmt.Sprintf("stage-%d", i+1)
	} else if !usableName(st.Name) {
		c.failf(at+".name", "use letters, digits and - _ . : +", "%q is not a usable stage name", shownName(st.Name))
	}
	var set []string
	if ss.Rate != nil {
		set = append(set, "rate")
	}
	if ss.Ramp != nil {
		set = append(set, "ramp")
	}
	if ss.Steps != nil {
		set = append(set, "steps")
	}
	switch len(set) {
	case 0:
		c.fail(at, "a stage needs one of rate, ramp or steps", "e.g. {duration: 10s, rate: 10}, {duration: 30s, ramp: {from: 1, to: 20}} or {steps: {from: 10, to: 50, step: 10, every: 5s}}")
		return st, false
	case 1:
	default:
		c.failf(at+"."+set[1], "split it into two stages", "a stage is one of rate, ramp and steps, got %s", joinAnd(set))
		return st, false
	}
	n := len(c.errs)
	if ss.Duration < 0 || ss.Duration > maxStageTime {
		c.failf(at+".duration", "give a duration such as 30s", "duration must be between 0 and %s", maxStageTime)
	}
	switch {
	case ss.Rate != nil:
		st.Kind = StageConstant
		st.From = c.rate(at+".rate", ss.Rate, "rate", false)
		st.To = st.From
	case ss.Ramp != nil:
		st.Kind = StageRamp
		st.From = c.rate(at+".ramp.from", ss.Ramp.From, "ramp.from", true)
		st.To = c.rate(at+".ramp.to", ss.Ramp.To, "ramp.to", true)
		if ss.Ramp.From != nil && ss.Ramp.To != nil && st.From == 0 && st.To == 0 {
			c.fail(at+".ramp", "a ramp from 0 to 0 sends nothing", "give to: > 0")
		}
	default:
		st.Kind = StageSteps
		s := ss.Steps
		st.From = c.rate(at+".steps.from", s.From, "steps.from", false)
		st.To = c.rate(at+".steps.to", s.To, "steps.to", false)
		step := c.rate(at+".steps.step", s.Step, "steps.step", false)
		if s.Every < time.Millisecond {
			c.fail(at+".steps.every", "every is required and must be at least 1ms", "give how long each step is held, e.g. 5s")
		}
		if len(c.errs) > n {
			return st, false
		}
		st.Step, st.Every = step, s.Every
		if st.To < st.From {
			st.Step = -step
		}
		if st.Duration == 0 {
			n := math.Floor(math.Abs(st.To-st.From)/step+1e-9) + 1
			if n > maxSteps {
				c.failf(at+".steps", "use a larger step, or give a duration to end the climb early",
					"climbing from %s to %s by %s takes %s steps; a steps stage may have at most %d", plainNum(st.From), plainNum(st.To), plainNum(step), plainNum(n), maxSteps)
				return st, false
			}
			st.Duration = time.Duration(n) * s.Every
		}
		if st.Duration/st.Every > maxSteps || st.Duration > maxStageTime {
			c.failf(at+".steps", "use a larger step or a longer every", "a steps stage may have at most %d steps and last at most %s", maxSteps, maxStageTime)
			return st, false
		}
	}
	if st.Kind != StageSteps && ss.Duration == 0 && len(c.errs) == n {
		c.fail(at+".duration", "duration is required", "give how long the stage lasts, e.g. 30s")
	}
	return st, len(c.errs) == n
}

// overrides applies --rate and --duration.
func (c *compiler) overrides() {
	p := c.plan
	if c.opts.Rate != nil {
		r := *c.opts.Rate
		for i := range p.Stages {
			st := &p.Stages[i]
			if st.Kind == StageSteps && c.opts.Duration == nil {
				// Keep the stage's length: it was derived from its steps.
				st.Duration = max(st.Duration, st.Every)
			}
			st.Kind, st.From, st.To, st.Step, st.Every = StageConstant, r, r, 0, 0
		}
	}
	if c.opts.Duration != nil {
		d := *c.opts.Duration
		total := p.TotalDuration()
		if total <= 0 {
			return
		}
		f := float64(d) / float64(total)
		var sum time.Duration
		for i := range p.Stages {
			st := &p.Stages[i]
			st.Duration = time.Duration(math.Round(float64(st.Duration) * f))
			if i == len(p.Stages)-1 {
				st.Duration = d - sum // rounding must not change the total
			}
			sum += st.Duration
			if st.Every > 0 {
				st.Every = max(time.Duration(math.Round(float64(st.Every)*f)), time.Millisecond)
			}
			if st.Duration > maxStageTime || (st.Every > 0 && st.Duration/st.Every > maxSteps) {
				c.errs = append(c.errs, &Error{Field: "--duration", Msg: fmt.Sprintf("stage %s would last %s", st.Name, st.Duration),
					Hint: fmt.Sprintf("a stage may last at most %s and have at most %d steps", maxStageTime, maxSteps)})
				return
			}
		}
	}
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	out := s[0]
	for _, v := range s[1 : len(s)-1] {
		out += ", " + v
	}
	return out + " and " + s[len(s)-1]
}

// flagOverrides checks --rate and --duration: given, they must be a rate
// the plan can send and a duration it can last.
func (c *compiler) flagOverrides() {
	if r := c.opts.Rate; r != nil {
		switch v := *r; {
		case math.IsNaN(v) || math.IsInf(v, 0):
			c.flagError("--rate", fmt.Sprintf("%v is not a rate", v), "give requests per second, e.g. --rate 50")
		case v <= 0:
			c.flagError("--rate", fmt.Sprintf("%g would send nothing", v), "give requests per second > 0, or leave --rate out to keep the scenario's rates")
		case v > maxRate:
			c.flagError("--rate", fmt.Sprintf("%s req/s is above the most a plan may ask for, %s req/s", plainNum(v), plainNum(maxRate)),
				"give at most "+plainNum(maxRate)+" req/s; past what one machine sends, split the run with --shard i/N")
		}
	}
	if d := c.opts.Duration; d != nil && *d <= 0 {
		c.flagError("--duration", fmt.Sprintf("%s would send nothing", *d), "give the run's total duration, e.g. --duration 30s, or leave --duration out to keep the scenario's stages")
	}
}

// plainNum writes a rate as people type it: 2000000, not 2e+06.
func plainNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
