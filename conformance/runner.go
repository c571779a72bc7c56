package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/cogload/cogload/mock/evidence"
)

// reasonInterrupted is why a case skipped by an interrupt did not run.
const reasonInterrupted = "interrupted"

// Verdicts of a case.
const (
	Pass = "pass"
	Fail = "fail"
	Skip = "skip"
	// Unanswered: a request of the case got no HTTP answer at all
	// (refused, reset, timed out), so the case could not be judged; it is
	// a failure to reach the target, not to conform.
	Unanswered = "unanswered"
)

// CaseHeader names a case, its rule and what it checks, in results and
// in the listed catalog.
type CaseHeader struct {
	ID   string `json:"id"`
	Area Area   `json:"area"`
	Rule string `json:"rule"`
	// Source is the public sources of what the case checks, joined.
	Source string `json:"source"`
	// Evidence is how well the checked behaviour of the real service is
	// known (documented, observed, inferred, assumed); Checks are its ids
	// in docs/fidelity.md.
	Evidence  evidence.Level `json:"evidence"`
	Checks    []string       `json:"checks"`
	Uncertain string         `json:"uncertain,omitempty"`
}

// header is the case's CaseHeader.
func (c Case) header() CaseHeader {
	return CaseHeader{ID: c.ID, Area: c.Area, Rule: c.Rule, Source: strings.Join(c.Sources(), "; "), Evidence: c.Evidence(),
		Checks: c.Checks, Uncertain: c.Uncertain}
}

// Result is one case's verdict.
type Result struct {
	CaseHeader
	Verdict  string        `json:"verdict"`
	Expected string        `json:"expected,omitempty"`
	Actual   string        `json:"actual,omitempty"`
	Reason   string        `json:"reason,omitempty"` // why it failed or was skipped
	Duration time.Duration `json:"durationNs"`
}

// Report is the outcome of a run.
type Report struct {
	Target     string    `json:"target"`
	StatusMode string    `json:"statusMode"`
	Started    time.Time `json:"started"`
	Results    []Result  `json:"results"`
	Passed     int       `json:"passed"`
	Failed     int       `json:"failed"`
	Skipped    int       `json:"skipped"`
	Unanswered int       `json:"unanswered,omitempty"`
	// Interrupted is set when the run was stopped before every selected
	// case ran: the cases left are skipped, and no output may read as if
	// the target conformed.
	Interrupted bool `json:"interrupted,omitempty"`
}

// OK reports whether every case that ran passed.
func (r *Report) OK() bool { return r.Failed == 0 && r.Unanswered == 0 }

// Reached reports whether the target answered every case that ran.
func (r *Report) Reached() bool { return r.Unanswered == 0 }

// Options tune a run.
type Options struct {
	// Run selects cases whose id matches; nil runs all.
	Run *regexp.Regexp
	// HTTPClient sends every request (default: a client with a 30 s timeout).
	HTTPClient *http.Client
	// AdminCredentials sign admin calls; nil means no admin rights.
	AdminCredentials aws.CredentialsProvider
	// CaseTimeout bounds one case (default 60 s).
	CaseTimeout time.Duration
	// Progress, when set, is told about each result as it is decided.
	Progress func(Result)
	// Clock stamps the report (default time.Now).
	Clock func() time.Time
}

// Select returns the catalog's cases whose id matches re (all when nil).
func Select(re *regexp.Regexp) []Case {
	var out []Case
	for _, c := range Catalog() {
		if re == nil || re.MatchString(c.ID) {
			out = append(out, c)
		}
	}
	return out
}

// Run runs the selected cases against t one after another. Between cases
// on the mock, every pool's quota counters and outbox are reset so each
// case starts clean. Cancelling ctx stops after the current case; the
// remaining cases are reported as skipped.
func Run(ctx context.Context, t *Target, opts Options) (*Report, error) {
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.CaseTimeout == 0 {
		opts.CaseTimeout = 60 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	h := newHarness(t, opts.HTTPClient, opts.AdminCredentials)
	rep := &Report{Target: t.Name, StatusMode: h.mode, Started: opts.Clock()}
	for _, c := range Select(opts.Run) {
		res := runCase(ctx, h, c, opts)
		switch res.Verdict {
		case Pass:
			rep.Passed++
		case Fail:
			rep.Failed++
		case Unanswered:
			rep.Unanswered++
		default:
			rep.Skipped++
		}
		rep.Results = append(rep.Results, res)
		if opts.Progress != nil {
			opts.Progress(res)
		}
	}
	rep.Interrupted = ctx.Err() != nil
	return rep, nil
}

func runCase(parent context.Context, h *harness, c Case, opts Options) (res Result) {
	// Whatever the target answered or the case saw, no password or token
	// reaches the report.
	defer func() { res.Actual, res.Reason = h.secrets.redact(res.Actual), h.secrets.redact(res.Reason) }()
	res = Result{CaseHeader: c.header(),
		Expected: c.Expect.Describe(h.mode)}
	if err := parent.Err(); err != nil {
		res.Verdict, res.Reason = Skip, reasonInterrupted
		return res
	}
	for _, n := range c.Needs {
		if why := h.unmet(n); why != "" {
			res.Verdict, res.Reason = Skip, "needs "+string(n)+": "+why
			return res
		}
	}
	start := opts.Clock()
	ctx, cancel := context.WithTimeout(parent, opts.CaseTimeout)
	defer cancel()
	h.answers.take() // what earlier cases left
	defer func() {
		if lost := h.answers.take(); lost != nil && res.Verdict == Fail {
			res.Verdict, res.Reason = Unanswered, "the target did not answer: "+lost.Error()
		}
	}()
	if h.target.Has(CapMock) {
		if err := h.resetAll(ctx); err != nil {
			res.Verdict, res.Reason = Fail, "reset the mock before the case: "+err.Error()
			return res
		}
	}
	o, err := c.run(ctx, h)
	if cerr := h.runCleanups(context.WithoutCancel(ctx)); cerr != nil && err == nil {
		err = fmt.Errorf("clean up after the case: %w", cerr)
	}
	res.Duration = opts.Clock().Sub(start)
	if parent.Err() != nil {
		// Interrupted mid-case: what it saw says nothing about the target.
		res.Verdict, res.Reason = Skip, reasonInterrupted
		return res
	}
	var skip *skipError
	var fail *failError
	switch {
	case errors.As(err, &skip):
		res.Verdict, res.Reason = Skip, skip.reason
	case errors.As(err, &fail):
		res.Verdict, res.Actual, res.Reason = Fail, fail.actual, "precondition of the final request failed"
	case err != nil:
		res.Verdict, res.Actual, res.Reason = Fail, err.Error(), "could not run"
	default:
		res.Actual = o.String()
		if jerr := c.Expect.judge(o, h.mode); jerr != nil {
			res.Verdict, res.Reason = Fail, jerr.Error()
		} else {
			res.Verdict = Pass
		}
	}
	return res
}

// resetAll resets the main pool and every role pool of the mock.
func (h *harness) resetAll(ctx context.Context) error {
	if err := h.main.doors.Reset(ctx); err != nil {
		return err
	}
	for role := range h.target.Pools {
		c, err := h.role(role)
		if err != nil {
			return err
		}
		if err := c.doors.Reset(ctx); err != nil {
			return fmt.Errorf("pool %s: %w", role, err)
		}
	}
	return nil
}
