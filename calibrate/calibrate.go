package calibrate

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/internal/stats"
	"github.com/cogload/cogload/mock"
)

// Source is one archive of a run against the real pool.
type Source struct {
	// Dir names the archive in messages.
	Dir     string
	Summary *aggregate.Summary
}

// Options says what the calibration starts from.
type Options struct {
	// Base is the configuration every value calibrate cannot estimate is
	// kept from (users, clients, delivery, per-user quotas, ...).
	Base *mock.Config
	// BaseName names it in comments: a built-in name or a file.
	BaseName string
}

// Result is a calibrated pool configuration and where each value came
// from.
type Result struct {
	Config *mock.Config
	// Endpoint and Pool are the real pool the archives ran against.
	Endpoint string
	Pool     string
	// Archives names the archives, "id (scenario)", in the order given.
	Archives []string
	// Values are the calibrated values, Kept the ones left at the base's
	// with the reason, Notes further observations.
	Values []Value
	Kept   []Kept
	Notes  []string
	base   string
}

// Value is one calibrated value.
type Value struct {
	// Field is the value's place in the configuration
	// (latency.outcomes.ok, quotas.rps).
	Field string `json:"field"`
	// Text is the value for people; From where it came from and how sure
	// it is.
	Text string `json:"value"`
	From string `json:"from"`
	// Interval is the value's 95% confidence interval, when it has one
	// (rates and the quota's rate).
	Interval *stats.Interval `json:"interval,omitempty"`
	// path is Field as a YAML path; line puts the comment at the end of
	// the value's line instead of above it.
	path []string
	line bool
}

// Kept is a value left at the base configuration's, and why.
type Kept struct {
	Field string `json:"field"`
	Why   string `json:"why"`
}

// ErrArchives is wrapped by every error about the archives given: they
// are not runs against one real pool.
var ErrArchives = errors.New("cannot calibrate from these archives")

// Calibrate fits the mock to the archives' runs against one real pool,
// starting from opts.Base.
func Calibrate(srcs []Source, opts Options) (*Result, error) {
	if len(srcs) == 0 {
		return nil, fmt.Errorf("%w: no archives given", ErrArchives)
	}
	if opts.Base == nil {
		return nil, errors.New("calibrate: no base configuration")
	}
	if err := checkSources(srcs); err != nil {
		return nil, err
	}
	cfg, err := clone(opts.Base)
	if err != nil {
		return nil, err
	}
	first := srcs[0].Summary.Run
	r := &Result{Config: cfg, Endpoint: first.Target, Pool: first.Pool, base: opts.BaseName}
	for _, s := range srcs {
		r.Archives = append(r.Archives, archiveName(s.Summary))
	}
	cfg.Name = "calibrated-" + strings.TrimPrefix(opts.BaseName, "builtin:")
	if i := strings.LastIndexAny(cfg.Name, `/\`); i >= 0 {
		cfg.Name = "calibrated-" + strings.TrimSuffix(strings.TrimSuffix(cfg.Name[i+1:], ".yaml"), ".yml")
	}
	cfg.Description = fmt.Sprintf("%s calibrated from %d runs against %s (%s)", opts.BaseName, len(srcs), r.Endpoint, r.Pool)
	d, err := newData(srcs)
	if err != nil {
		return nil, err
	}
	r.latency(d)
	r.faults(d)
	r.delivery(d)
	r.trigger(d)
	r.quota(d)
	r.users(d)
	r.Kept = append(r.Kept,
		Kept{"quotas.perUserRps, quotas.codesPerUserPerHour", "per-user limits need a per-user probe, which these runs are not"},
		Kept{"delivery.email.dailyLimit, role errors, user states, clients", "configuration of the pool, not measured by a load run"},
	)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("calibrate: the calibrated configuration is invalid (a bug): %w", err)
	}
	return r, nil
}

// checkSources refuses mock runs and runs of different endpoints or
// pools: a calibration describes one real pool.
func checkSources(srcs []Source) error {
	first := srcs[0]
	for _, s := range srcs {
		if s.Summary == nil {
			return fmt.Errorf("%w: %s has no summary", ErrArchives, s.Dir)
		}
		if err := aggregate.CheckSchema(s.Summary.Schema); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrArchives, s.Dir, err)
		}
		run := s.Summary.Run
		if run.Target == "mock" || run.Target == "" {
			return fmt.Errorf("%w: %s is a run against the embedded mock (pool configuration %q): calibrate reads runs against a real pool (target.endpoint)", ErrArchives, s.Dir, run.Pool)
		}
		f := first.Summary.Run
		if run.Target != f.Target || run.Pool != f.Pool {
			return fmt.Errorf("%w: %s ran against %s (pool %s) but %s against %s (pool %s): calibrate one pool at a time", ErrArchives, first.Dir, f.Target, f.Pool, s.Dir, run.Target, run.Pool)
		}
	}
	return nil
}

func archiveName(s *aggregate.Summary) string {
	id := s.Run.ID
	if id == "" {
		id = "?"
	}
	return id + " (" + s.Run.Scenario + ")"
}

// clone deep-copies a configuration through its own YAML, so the base is
// never changed.
func clone(c *mock.Config) (*mock.Config, error) {
	out, err := marshal(c, nil)
	if err != nil {
		return nil, err
	}
	cp, err := mock.ParseConfig("base", out)
	if err != nil {
		return nil, fmt.Errorf("calibrate: base configuration: %w", err)
	}
	return cp, nil
}

func (r *Result) set(field, text, from string) {
	r.Values = append(r.Values, Value{Field: field, Text: text, From: from, path: strings.Split(field, ".")})
}

// setCI records a value with its confidence interval.
func (r *Result) setCI(field, text, from string, iv stats.Interval) {
	r.set(field, text, from)
	r.Values[len(r.Values)-1].Interval = &iv
}

func (r *Result) keep(field, why string) { r.Kept = append(r.Kept, Kept{field, why}) }

// from names archives for a comment.
func from(names []string) string {
	names = slices.Compact(slices.Clone(names))
	if len(names) == 1 {
		return "archive " + names[0]
	}
	return "archives " + strings.Join(names, ", ")
}
