package scenarios

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/domain"
	"github.com/google/go-cmp/cmp"
)

const mixed = `
name: mixed
tokenPools:
  - {name: valid, weight: 3}
  - {name: bad, weight: 1, kind: tampered}
attributes:
  - {name: email, weight: 1}
  - {name: phone_number, weight: 1}
  - {name: "custom:tier", weight: 2}
  - {name: this_attribute_name_is_longer_than_32, weight: 4}
metadata:
  - {name: absent, absent: true}
  - {name: gen, weight: 3, generate: {keys: 4, valueSize: 16}}
load:
  seed: 42
  stages:
    - {name: warm, duration: 10s, ramp: {from: 0, to: 10}}
    - {name: hold, duration: 10s, rate: 10}
    - {name: climb, steps: {from: 10, to: 30, step: 10, every: 5s}}
`

func TestVariantsWeightsAndExpectations(t *testing.T) {
	t.Parallel()
	p := mustParse(t, mixed, CompileOptions{})
	if got, want := len(p.Variants), 2*4*2; got != want {
		t.Fatalf("%d variants, want %d", got, want)
	}
	var sum float64
	for i, v := range p.Variants {
		if v.Index != i {
			t.Errorf("variant %d has index %d", i, v.Index)
		}
		sum += v.Weight
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("weights sum to %v", sum)
	}
	// valid (3/4) × custom:tier (2/8) × gen (3/4)
	find := func(pool, attr, md string) Variant {
		for _, v := range p.Variants {
			if p.TokenPools[v.TokenPool].Name == pool && p.Attributes[v.Attribute].Name == attr && p.Metadata[v.Metadata].Name == md {
				return v
			}
		}
		t.Fatalf("no variant %s/%s/%s", pool, attr, md)
		return Variant{}
	}
	if w := find("valid", "custom:tier", "gen").Weight; math.Abs(w-0.75*0.25*0.75) > 1e-12 {
		t.Errorf("weight %v, want %v", w, 0.75*0.25*0.75)
	}
	tests := []struct {
		pool, attr string
		want       []string
	}{
		{"valid", "email", []string{"ok"}},
		{"valid", "phone_number", []string{"ok", "InvalidParameterException"}},
		{"valid", "custom:tier", []string{"InvalidParameterException"}},
		{"bad", "email", []string{"NotAuthorizedException"}},
		{"bad", "custom:tier", []string{"NotAuthorizedException"}},
		// Model validation comes before authentication.
		{"bad", "this_attribute_name_is_longer_than_32", []string{"InvalidParameterException"}},
		{"valid", "this_attribute_name_is_longer_than_32", []string{"InvalidParameterException"}},
	}
	for _, tt := range tests {
		v := find(tt.pool, tt.attr, "absent")
		if diff := cmp.Diff(domain.Expectation{Outcomes: tt.want, Derived: true}, v.Expect); diff != "" {
			t.Errorf("%s/%s (-want +got):\n%s", tt.pool, tt.attr, diff)
		}
	}
}

func TestDeriveExpectationWhitespaceAndHugeMetadata(t *testing.T) {
	t.Parallel()
	if got := DeriveExpectation(KindValid, "e mail", MetadataVariant{Absent: true}).Outcomes; !cmp.Equal(got, []string{"InvalidParameterException"}) {
		t.Errorf("whitespace attribute: %v", got)
	}
	huge := MetadataVariant{Values: map[string]string{"k": strings.Repeat("x", 131073)}}
	if got := DeriveExpectation(KindRevoked, "email", huge).Outcomes; !cmp.Equal(got, []string{"InvalidParameterException"}) {
		t.Errorf("oversized metadata: %v", got)
	}
	if got := DeriveExpectation(KindExpired, "email", MetadataVariant{Values: map[string]string{}}).Outcomes; !cmp.Equal(got, []string{"NotAuthorizedException"}) {
		t.Errorf("expired: %v", got)
	}
}

func TestExpectRulesFirstMatchWins(t *testing.T) {
	t.Parallel()
	p := mustParse(t, mixed+`
expect:
  - match: {tokenPool: valid, attribute: phone_number}
    outcomes: [ok]
  - match: {kind: valid}
    outcomes: [ok, LimitExceededException]
`, CompileOptions{})
	for _, v := range p.Variants {
		pool, attr := p.TokenPools[v.TokenPool].Name, p.Attributes[v.Attribute].Name
		var want domain.Expectation
		switch {
		case pool == "valid" && attr == "phone_number":
			want = domain.Expectation{Outcomes: []string{"ok"}}
		case pool == "valid":
			want = domain.Expectation{Outcomes: []string{"ok", "LimitExceededException"}}
		default:
			continue
		}
		if diff := cmp.Diff(want, v.Expect); diff != "" {
			t.Errorf("%s/%s (-want +got):\n%s", pool, attr, diff)
		}
	}
}

func TestStagesAndTotals(t *testing.T) {
	t.Parallel()
	p := mustParse(t, mixed, CompileOptions{})
	want := []Stage{
		{Name: "warm", Kind: StageRamp, Duration: 10 * time.Second, From: 0, To: 10},
		{Name: "hold", Kind: StageConstant, Duration: 10 * time.Second, From: 10, To: 10},
		{Name: "climb", Kind: StageSteps, Duration: 15 * time.Second, From: 10, To: 30, Step: 10, Every: 5 * time.Second},
	}
	if diff := cmp.Diff(want, p.Stages); diff != "" {
		t.Fatalf("stages (-want +got):\n%s", diff)
	}
	if got := p.TotalRequests(); got != 50+100+300 {
		t.Errorf("TotalRequests = %v, want 450", got)
	}
	if got := p.TotalDuration(); got != 35*time.Second {
		t.Errorf("TotalDuration = %v", got)
	}
	if got := p.PeakRate(); got != 30 {
		t.Errorf("PeakRate = %v", got)
	}
	if got := p.RateAt(27 * time.Second); got != 20 {
		t.Errorf("RateAt(27s) = %v, want 20 (second step)", got)
	}
}

func TestOverrides(t *testing.T) {
	t.Parallel()
	seed := int64(7)
	p := mustParse(t, mixed, CompileOptions{Rate: ptr(5.0), Duration: ptr(70 * time.Second), Seed: &seed})
	if p.Seed != 7 {
		t.Errorf("seed %d", p.Seed)
	}
	if got := p.TotalDuration(); got != 70*time.Second {
		t.Errorf("duration %v, want 70s", got)
	}
	for _, s := range p.Stages {
		if s.Kind != StageConstant || s.From != 5 || s.To != 5 {
			t.Errorf("stage %+v not constant 5", s)
		}
	}
	if got := p.TotalRequests(); got != 350 {
		t.Errorf("requests %v, want 350", got)
	}
	// Duration alone keeps the shape: every stage scales by the same factor.
	p = mustParse(t, mixed, CompileOptions{Duration: ptr(70 * time.Second)})
	if p.Stages[2].Kind != StageSteps || p.Stages[2].Every != 10*time.Second || p.Stages[0].Duration != 20*time.Second {
		t.Errorf("scaled stages %+v", p.Stages)
	}
	if p.PeakRate() != 30 {
		t.Errorf("peak %v changed by --duration", p.PeakRate())
	}
	// Pools override.
	p = mustParse(t, mixed, CompileOptions{Pools: []string{"sms", "email-ses"}})
	if !cmp.Equal(p.Target.Pools, []string{"sms", "email-ses"}) {
		t.Errorf("pools %v", p.Target.Pools)
	}
	s, _ := Parse("x.yaml", []byte(mixed))
	if _, err := s.Compile(CompileOptions{Pools: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), "--pool") {
		t.Errorf("unknown --pool: %v", err)
	}
	if _, err := s.Compile(CompileOptions{Rate: ptr(-1.0)}); err == nil || !strings.Contains(err.Error(), "--rate") {
		t.Errorf("negative --rate: %v", err)
	}
	// A --pool file is relative to the working directory, not the scenario.
	elsewhere, _ := Parse(filepath.Join(t.TempDir(), "x.yaml"), []byte(mixed))
	const poolFile = "testdata/broken/empty.yaml" // the compiler only checks it exists
	if p, err := elsewhere.Compile(CompileOptions{Pools: []string{poolFile}}); err != nil || !cmp.Equal(p.Target.Pools, []string{poolFile}) {
		t.Errorf("--pool %s: %v", poolFile, err)
	}
}

func TestGeneratedMetadataIsSeeded(t *testing.T) {
	t.Parallel()
	a := mustParse(t, mixed, CompileOptions{})
	b := mustParse(t, mixed, CompileOptions{})
	other := int64(43)
	c := mustParse(t, mixed, CompileOptions{Seed: &other})
	ga, gb, gc := a.Metadata[1].Values, b.Metadata[1].Values, c.Metadata[1].Values
	if len(ga) != 4 {
		t.Fatalf("%d keys, want 4", len(ga))
	}
	for k, v := range ga {
		if len(v) != 16 || len(k) != defaultKeySize {
			t.Errorf("entry %q=%q has the wrong size", k, v)
		}
	}
	if !cmp.Equal(ga, gb) {
		t.Error("same seed, different metadata")
	}
	if cmp.Equal(ga, gc) {
		t.Error("different seeds, same metadata")
	}
	if !a.Metadata[0].Absent || a.Metadata[0].Values != nil {
		t.Errorf("absent variant %+v", a.Metadata[0])
	}
}

func TestExclusivePoolSizing(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `
tokenPools:
  - {name: once, weight: 1, checkout: exclusive}
  - {name: other, weight: 1}
load: {stages: [{duration: 100s, rate: 10}]}
`, CompileOptions{})
	need := p.TokensNeeded()
	// 1000 requests, half to "once": ⌈500 + 4·√(500·0.5)⌉ + 1 = 565
	if need[0] != 565 || p.TokenPools[0].Size != 565 {
		t.Errorf("exclusive needs %d, size %d; want 565", need[0], p.TokenPools[0].Size)
	}
	if need[1] != DefaultPoolSize || p.TokenPools[1].Size != DefaultPoolSize {
		t.Errorf("random pool needs %d, size %d; want the default size", need[1], p.TokenPools[1].Size)
	}
	// A size between the mean and the margin is allowed, with a warning.
	p = mustParse(t, `
tokenPools:
  - {name: once, weight: 1, checkout: exclusive, size: 520}
  - {name: other, weight: 1}
load: {stages: [{duration: 100s, rate: 10}]}
`, CompileOptions{})
	if len(p.Warnings) == 0 || !strings.Contains(p.Warnings[0], "may exhaust") {
		t.Errorf("warnings %v", p.Warnings)
	}
}

func TestEndpointTarget(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `
target:
  endpoint: {region: eu-central-1, userPoolId: eu-central-1_AbCdEf123, clientId: 1example23456789, maxRate: 5}
tokenPools:
  - {name: v, source: {env: COGLOAD_TOKENS}}
  - {name: i, source: {inline: [eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl]}}
  - {name: g, kind: garbage}
load: {stages: [{duration: 10s, rate: 10}]}
`, CompileOptions{})
	if p.Target.Mock || p.Target.URL != "https://cognito-idp.eu-central-1.amazonaws.com" || p.Target.MaxRate != 5 {
		t.Errorf("target %+v", p.Target)
	}
	if p.TokenPools[1].Size != 1 || p.TokenPools[2].Source.Kind != SourceNone {
		t.Errorf("pools %+v", p.TokenPools)
	}
	if len(p.Warnings) == 0 || !strings.Contains(strings.Join(p.Warnings, "\n"), "maxRate") {
		t.Errorf("peak over maxRate not warned: %v", p.Warnings)
	}
	// Inline tokens never leave the plan in Resolved or JSON.
	js, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range [][]byte{p.Resolved, js} {
		if strings.Contains(string(out), "c2lnbmF0dXJl") {
			t.Errorf("inline token leaked:\n%s", out)
		}
	}
	if !strings.Contains(string(p.Resolved), Redacted) {
		t.Errorf("resolved does not mark the redaction:\n%s", p.Resolved)
	}
}

func TestThresholdsCompile(t *testing.T) {
	t.Parallel()
	p := mustParse(t, mixed+`
thresholds:
  - latency.p99 < 300ms
  - "ok_rate{token_pool=valid,stage=hold} > 90%"
`, CompileOptions{})
	if len(p.Thresholds) != 2 {
		t.Fatalf("thresholds %+v", p.Thresholds)
	}
	if p.Thresholds[1].Pos != "test.yaml:23:5" || p.Thresholds[1].Filter["stage"] != "hold" {
		t.Errorf("threshold %+v", p.Thresholds[1])
	}
}

func TestHashIsOfTheFileBytes(t *testing.T) {
	t.Parallel()
	a := mustParse(t, mixed, CompileOptions{})
	b := mustParse(t, mixed+"\n# a comment\n", CompileOptions{})
	if a.Hash == b.Hash || len(a.Hash) != 64 {
		t.Errorf("hashes %q %q", a.Hash, b.Hash)
	}
	if string(a.Resolved) != string(b.Resolved) {
		t.Error("a comment changed the resolved scenario")
	}
}

func TestWarnings(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `
tokenPools: [{name: v}]
metadata:
  - {name: creds, values: {password: hunter2}}
  - {name: jwt, values: {ctx: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln}}
  - {name: plain, values: {locale: en-GB}}
load: {stages: [{duration: 1s, rate: 1}]}
`, CompileOptions{})
	all := strings.Join(p.Warnings, "\n")
	for _, want := range []string{`metadata[0] creds: key "password" looks like a secret`, `metadata[1] jwt: key "ctx" looks like a secret`, "no effect on pools without a custom-message trigger"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "hunter2") || strings.Contains(all, "c2ln") || strings.Contains(all, "plain") {
		t.Errorf("warnings echo a value or flag a harmless variant:\n%s", all)
	}
	p = mustParse(t, `
target: {mock: {pools: [custom-message-trigger]}}
tokenPools: [{name: v}]
metadata: [{name: plain, values: {locale: en-GB}}]
load: {stages: [{duration: 1s, rate: 1}]}
`, CompileOptions{})
	if len(p.Warnings) != 0 {
		t.Errorf("unexpected warnings %v", p.Warnings)
	}
}

func TestAnchorsAndMergeKeys(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `
tokenPools:
  - &base {name: valid, weight: 2, checkout: sequential}
  - <<: *base
    name: valid2
load:
  stages:
    - {duration: 2s, rate: 2}
`, CompileOptions{})
	if len(p.TokenPools) != 2 || p.TokenPools[1].Name != "valid2" || p.TokenPools[1].Weight != 2 || p.TokenPools[1].Checkout != CheckoutSequential {
		t.Errorf("pools %+v", p.TokenPools)
	}
}

func TestCompileBuiltInGoValue(t *testing.T) {
	t.Parallel()
	rate := 5.0
	s := &Scenario{
		TokenPools: []PoolSpec{{Name: "v"}},
		Load:       &LoadSpec{Stages: []StageSpec{{Duration: time.Second, Rate: &rate}}},
	}
	p, err := s.Compile(CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "scenario" || p.TotalRequests() != 5 || !p.Target.Mock || p.Target.Pools[0] != DefaultMockPool {
		t.Errorf("plan %+v", p)
	}
	// Errors without a file still name the field.
	s.TokenPools[0].Kind = "nope"
	if _, err := s.Compile(CompileOptions{}); err == nil || !strings.HasPrefix(err.Error(), "tokenPools[0].kind: unknown token kind") {
		t.Errorf("error %v", err)
	}
}

// TestFlagOverridesRefuseWhatSendsNothing: --rate and --duration given as
// 0, negative, not a number or above the ceiling are refused naming the
// flag and the limit they break, never ignored.
func TestFlagOverridesRefuseWhatSendsNothing(t *testing.T) {
	t.Parallel()
	s, err := Parse("x.yaml", []byte(mixed))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts CompileOptions
		want string
	}{
		{"rate 0", CompileOptions{Rate: ptr(0.0)}, "--rate: 0 would send nothing (give requests per second > 0"},
		{"rate negative", CompileOptions{Rate: ptr(-3.0)}, "--rate: -3 would send nothing"},
		{"rate NaN", CompileOptions{Rate: ptr(math.NaN())}, "--rate: NaN is not a rate"},
		{"rate infinite", CompileOptions{Rate: ptr(math.Inf(1))}, "--rate: +Inf is not a rate"},
		{"rate 2e6", CompileOptions{Rate: ptr(2e6)}, "--rate: 2000000 req/s is above the most a plan may ask for, 1000000 req/s (give at most 1000000 req/s"},
		{"duration 0", CompileOptions{Duration: ptr(time.Duration(0))}, "--duration: 0s would send nothing"},
		{"duration negative", CompileOptions{Duration: ptr(-time.Second)}, "--duration: -1s would send nothing"},
		{"tiny rate", CompileOptions{Rate: ptr(1e-12)}, "the plan sends no request"},
	} {
		_, err := s.Compile(tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := s.Compile(CompileOptions{Rate: ptr(1e6)}); err != nil {
		t.Errorf("--rate at the ceiling: %v", err)
	}
}

// TestStepsCutByTheirDurationSayWhatTheyReach: a steps stage whose
// duration ends its climb early reports (and plans with) the rate it
// reaches, with a warning, so the plan's peak, the stage's "to" and the
// pacer agree; a climb without a duration that needs more than 10,000
// steps is refused, not cut.
func TestStepsCutByTheirDurationSayWhatTheyReach(t *testing.T) {
	t.Parallel()
	const cut = `name: t
tokenPools:
  - {name: valid, weight: 1}
load:
  stages:
    - {name: climb, duration: 12s, steps: {from: 10, to: 100, step: 10, every: 5s}}
`
	p := mustParse(t, cut, CompileOptions{})
	st := p.Stages[0]
	if st.To != 30 || p.PeakRate() != 30 || st.Peak() != 30 {
		t.Errorf("stage to %v, peak %v: want 30, the rate of its third and last step", st.To, p.PeakRate())
	}
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "stage climb: the steps reach 30 req/s, not 100: its 12s end the climb after 3 of 10 steps") {
		t.Errorf("warnings %q", p.Warnings)
	}
	// --duration shrinks every step: the climb still completes.
	p = mustParse(t, cut, CompileOptions{Duration: ptr(6 * time.Second)})
	if p.Stages[0].To != 30 || p.Stages[0].Every != 2500*time.Millisecond {
		t.Errorf("scaled stage %+v", p.Stages[0])
	}
	// A whole climb is left alone.
	whole := strings.Replace(cut, "duration: 12s, ", "", 1)
	if p := mustParse(t, whole, CompileOptions{}); p.Stages[0].To != 100 || len(p.Warnings) != 0 || p.Stages[0].Duration != 50*time.Second {
		t.Errorf("whole climb %+v, warnings %q", p.Stages[0], p.Warnings)
	}
}

// TestNumbersAsYAMLWritesThem: 1e3 is a rate as much as 1.5e3 or 1000
// (YAML 1.2 numbers; go-yaml scans the first as a string).
func TestNumbersAsYAMLWritesThem(t *testing.T) {
	t.Parallel()
	for _, rate := range []string{"1e3", "1E3", "1.0e+3", "1000", "0.1e4"} {
		p := mustParse(t, "name: t\ntokenPools:\n  - {name: valid, weight: 1}\nload:\n  stages:\n    - {duration: 1s, rate: "+rate+"}\n", CompileOptions{})
		if got := p.Stages[0].From; got != 1000 {
			t.Errorf("rate: %s compiles to %v, want 1000", rate, got)
		}
	}
}
