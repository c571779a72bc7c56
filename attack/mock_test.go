package attack

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/scenarios"
	"github.com/cogload/cogload/tokens"
)

// TestRunAgainstMock fills real tokens from the mock and attacks it:
// every answer must match its variant's expectation.
func TestRunAgainstMock(t *testing.T) {
	cfg, err := mock.Builtin("email-default")
	if err != nil {
		t.Fatal(err)
	}
	s, err := mock.New(cfg, mock.WithNoLimits(), mock.WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	info := s.Info(srv.URL)
	users := s.Credentials()
	mint := func(name string, w float64, k scenarios.TokenKind, size int) scenarios.TokenPool {
		return scenarios.TokenPool{Name: name, Weight: w, Size: size, Kind: k, Checkout: scenarios.CheckoutRandom, Source: scenarios.TokenSource{Kind: scenarios.SourceMint}}
	}
	pools := []scenarios.TokenPool{
		mint("valid", 0.6, scenarios.KindValid, 8),
		mint("revoked", 0.2, scenarios.KindRevoked, 3),
		{Name: "garbage", Weight: 0.1, Size: 10, Kind: scenarios.KindGarbage, Checkout: scenarios.CheckoutSequential},
		mint("expired", 0.1, scenarios.KindExpired, 3),
	}
	attrs := []scenarios.Attribute{{Name: "email", Weight: 0.9}, {Name: "custom:tier", Weight: 0.1}}
	md := []scenarios.MetadataVariant{absent, {Name: "empty", Weight: 1, Values: map[string]string{}}}
	plan := testPlan(pools, attrs, md, scenarios.Stage{Kind: scenarios.StageConstant, Duration: time.Second, From: 150})
	for i, v := range plan.Variants {
		switch {
		case v.TokenPool != 0:
			plan.Variants[i].Expect.Outcomes = []string{cognito.ErrNotAuthorized}
		case v.Attribute == 1:
			plan.Variants[i].Expect.Outcomes = []string{cognito.ErrInvalidParameter}
		default:
			plan.Variants[i].Expect.Outcomes = []string{domain.OutcomeOK}
		}
	}
	set, err := tokens.Fill(context.Background(), plan, tokens.Env{Endpoint: srv.URL, Region: info.Region, UserPoolID: info.UserPoolID,
		ClientID: info.ClientID, MockAdmin: true, Users: users, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{t: t, bare: srv.URL + "/"}
	stats, err := Run(context.Background(), plan, set, srv.URL, rec)
	if err != nil {
		t.Fatal(err)
	}
	// A loaded machine (the race detector, the mock's RSA) may make the
	// pacer skip hits; what was sent must still be accounted exactly.
	if st := stats.Stages[0]; st.Sent+st.Skipped != 150 || uint64(len(rec.samples)) != st.Sent {
		t.Fatalf("sent %d, recorded %d: %+v", stats.Sent, len(rec.samples), stats.Stages)
	}
	byVerdict := map[domain.Verdict]int{}
	for _, smp := range rec.samples {
		byVerdict[smp.Verdict]++
		if smp.Verdict != domain.VerdictPass {
			t.Errorf("variant %d (pool %s, attribute %s): %s is %v", smp.Variant, pools[plan.Variants[smp.Variant].TokenPool].Name,
				attrs[plan.Variants[smp.Variant].Attribute].Name, smp.Outcome, smp.Verdict)
		}
	}
	if byVerdict[domain.VerdictPass] != len(rec.samples) {
		t.Errorf("verdicts %v", byVerdict)
	}
}

// TestSmokeScenarioAgainstMock compiles the built-in smoke scenario
// (shortened to 1 s at 60/s), fills its pools from the mock and runs it:
// the mock must give every variant its derived expectation.
func TestSmokeScenarioAgainstMock(t *testing.T) {
	sc, err := scenarios.Builtin("smoke")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := sc.Compile(scenarios.CompileOptions{Rate: new(60.0), Duration: new(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := mock.Builtin(plan.Target.Pools[0])
	if err != nil {
		t.Fatal(err)
	}
	s, err := mock.New(cfg, mock.WithNoLimits(), mock.WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	info := s.Info(srv.URL)
	users := s.Credentials()
	set, err := tokens.Fill(context.Background(), plan, tokens.Env{Endpoint: srv.URL, Region: info.Region, UserPoolID: info.UserPoolID,
		ClientID: info.ClientID, MockAdmin: true, Users: users, HTTPClient: srv.Client(), Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range plan.TokensNeeded() {
		if set.Pool(i).Len() != n {
			t.Errorf("pool %s: %d tokens, plan needs %d", plan.TokenPools[i].Name, set.Pool(i).Len(), n)
		}
	}
	rec := &recorder{t: t, bare: srv.URL + "/"}
	stats, err := Run(context.Background(), plan, set, srv.URL, rec)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Sent == 0 || uint64(len(rec.samples)) != stats.Sent || stats.Exhausted {
		t.Fatalf("stats %+v, %d samples", stats, len(rec.samples))
	}
	for _, smp := range rec.samples {
		if smp.Verdict != domain.VerdictPass {
			v := plan.Variants[smp.Variant]
			t.Errorf("pool %s, attribute %s, metadata %s: %s is %v (expected %v)", plan.TokenPools[v.TokenPool].Name,
				plan.Attributes[v.Attribute].Name, plan.Metadata[v.Metadata].Name, smp.Outcome, smp.Verdict, v.Expect.Outcomes)
		}
	}
}
