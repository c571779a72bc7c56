package calibrate

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/mock"
)

// summary is a run against endpoint with the given outcome counts, each
// outcome's latencies drawn around its median (ms).
func summary(t *testing.T, id, target string, counts map[string]uint64, median map[string]float64) *aggregate.Summary {
	t.Helper()
	s := &aggregate.Summary{Schema: aggregate.Schema,
		Run:      aggregate.RunMeta{ID: id, Scenario: "smoke", Target: target, Pool: "us-east-1_Real"},
		Plan:     aggregate.PlanInfo{TokenPools: []aggregate.PoolInfo{{Name: "valid", Kind: "valid"}}, Attributes: []string{"email"}, Metadata: []string{"absent"}},
		Variants: []aggregate.VariantResult{{VariantKey: aggregate.VariantKey{Index: 0, TokenPool: "valid", Attribute: "email", Metadata: "absent"}}},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for o, n := range counts {
		s.Counts = append(s.Counts, aggregate.CountCell{Variant: 0, Outcome: o, Count: n})
		h := aggregate.NewHistogram()
		for range n {
			_ = h.RecordValue(int64(median[o] * 1e3 * (0.9 + 0.2*r.Float64())))
		}
		enc, err := aggregate.EncodeHistogram(h)
		if err != nil {
			t.Fatal(err)
		}
		s.Breakdown.Outcomes = append(s.Breakdown.Outcomes, aggregate.Group{Name: o, Requests: n, Histogram: enc})
		s.Totals.Requests += n
	}
	return s
}

func base(t *testing.T) *mock.Config {
	t.Helper()
	c, err := mock.Builtin("email-ses")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCalibrateRefuses(t *testing.T) {
	real := summary(t, "a1", "https://cognito-idp.us-east-1.amazonaws.com", map[string]uint64{"ok": 5}, map[string]float64{"ok": 50})
	onMock := summary(t, "m1", "mock", map[string]uint64{"ok": 5}, map[string]float64{"ok": 50})
	other := summary(t, "b1", "https://cognito-idp.eu-west-1.amazonaws.com", map[string]uint64{"ok": 5}, map[string]float64{"ok": 50})
	broken := summary(t, "c1", real.Run.Target, map[string]uint64{"ok": 5}, map[string]float64{"ok": 50})
	broken.Breakdown.Outcomes[0].Histogram = "not a histogram"
	tests := []struct {
		name string
		srcs []Source
		want string
	}{
		{"none", nil, "no archives given"},
		{"mock", []Source{{"real", real}, {"onmock", onMock}}, "onmock is a run against the embedded mock"},
		{"two pools", []Source{{"real", real}, {"other", other}}, "calibrate one pool at a time"},
		{"bad histogram", []Source{{"broken", broken}}, "broken: outcome ok: decode histogram"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Calibrate(tt.srcs, Options{Base: base(t), BaseName: "email-ses"})
			if !errors.Is(err, ErrArchives) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Calibrate() = %v, want ErrArchives saying %q", err, tt.want)
			}
		})
	}
}

// TestCalibrateKeepsWhatItCannotEstimate: a short run supports nothing;
// every value stays the base's and says why.
func TestCalibrateKeepsWhatItCannotEstimate(t *testing.T) {
	s := summary(t, "a1", "https://cognito-idp.us-east-1.amazonaws.com", map[string]uint64{"ok": 12, "NotAuthorizedException": 3}, map[string]float64{"ok": 80, "NotAuthorizedException": 40})
	r, err := Calibrate([]Source{{"a1", s}}, Options{Base: base(t), BaseName: "email-ses"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Values) != 0 {
		t.Errorf("calibrated %+v from 15 requests", r.Values)
	}
	why := map[string]string{}
	for _, k := range r.Kept {
		why[k.Field] = k.Why
	}
	for field, want := range map[string]string{
		"latency.outcomes.ok":           "12 answers in archive a1 (smoke), fewer than 30",
		"faults.InternalErrorException": "15 answers in the archives, fewer than 30",
		"delivery.email.failureRate":    "12 email codes reached delivery, fewer than 30",
		"quotas.rps, quotas.burst":      "a1 (smoke): no stage climbs; run a throttle-probe-style scenario",
		"customMessageTrigger":          "the base has no trigger",
	} {
		if !strings.Contains(why[field], want) {
			t.Errorf("kept %s: %q, want it to say %q", field, why[field], want)
		}
	}
	if r.Config.Latency.Outcomes != nil || r.Config.Quotas.RPS != nil || r.Config.Faults != nil {
		t.Errorf("base values changed: %+v, %+v", r.Config.Latency, r.Config.Quotas)
	}
}

// TestCalibrateWritesLoadableConfig: the written configuration loads
// strictly, holds the tables and rates, and comments each value.
func TestCalibrateWritesLoadableConfig(t *testing.T) {
	s := summary(t, "a1", "https://cognito-idp.us-east-1.amazonaws.com",
		map[string]uint64{"ok": 900, "NotAuthorizedException": 80, "InternalErrorException": 20},
		map[string]float64{"ok": 80, "NotAuthorizedException": 40, "InternalErrorException": 120})
	r, err := Calibrate([]Source{{"a1", s}}, Options{Base: base(t), BaseName: "email-ses"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := r.WriteYAML(&buf); err != nil {
		t.Fatal(err)
	}
	cfg, err := mock.ParseConfig("calibrated.yaml", buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if got := cfg.Faults["InternalErrorException"]; got != 0.02 {
		t.Errorf("InternalErrorException = %v, want 0.02 (20 of 1000)", got)
	}
	ok := cfg.Latency.Outcomes["ok"].Quantiles
	if len(ok) < 10 || ok[0].Q != 0 || ok[len(ok)-1].Q != 1 {
		t.Fatalf("ok table %+v", ok)
	}
	for _, p := range ok {
		if p.Q == 0.5 && (p.Latency < 76*time.Millisecond || p.Latency > 84*time.Millisecond) {
			t.Errorf("ok p50 %v, want about 80ms", p.Latency)
		}
	}
	text := buf.String()
	for _, want := range []string{
		"# calibrated: 900 answers in archive a1 (smoke): p50",
		"# calibrated: 20 of 1,000 (2.00%, 95% CI 1.30%–3.07%) answers in archive a1 (smoke)\n  InternalErrorException: 0.02\n",
		"# - quotas.rps, quotas.burst: a1 (smoke): no stage climbs",
		"name: calibrated-email-ses",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the configuration lacks %q:\n%s", want, text)
		}
	}
	if _, err := mock.New(cfg, mock.WithSeed(1)); err != nil {
		t.Errorf("the mock refuses it: %v", err)
	}
}
