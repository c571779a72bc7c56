package attack

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

// BenchmarkRunRate runs a 2 s stage at 2000 requests/s against a trivial
// local server and reports the achieved fraction of the planned requests
// and of the planned rate (goal: ≥ 0.99 on an idle machine).
func BenchmarkRunRate(b *testing.B) {
	backlog := DefaultMaxBacklog
	if d, err := time.ParseDuration(os.Getenv("COGLOAD_BACKLOG")); err == nil {
		backlog = d
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	plan, toks := e2ePlan(scenarios.Stage{Kind: scenarios.StageConstant, Duration: 2 * time.Second, From: 2000})
	set := setOf(b, plan, toks...)
	var sent, planned, skipped float64
	for b.Loop() {
		stats, err := Run(context.Background(), plan, set, srv.URL, SinkFunc(func(*vegeta.Result, domain.Sample) {}), WithMaxBacklog(backlog))
		if err != nil {
			b.Fatal(err)
		}
		sent += float64(stats.Sent)
		planned += stats.Planned
		skipped += float64(stats.Stages[0].Skipped)
	}
	b.ReportMetric(sent/planned, "sent/planned")
	b.ReportMetric(skipped/float64(b.N), "skipped/run")
}

// BenchmarkVegetaRate is the reference for BenchmarkRunRate: vegeta's own
// ConstantPacer and a static target on the same server and rate.
func BenchmarkVegetaRate(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	var sent float64
	for b.Loop() {
		atk := vegeta.NewAttacker(vegeta.Timeout(2*time.Second), vegeta.MaxBody(MaxBody))
		tr := vegeta.NewStaticTargeter(vegeta.Target{Method: "POST", URL: srv.URL + "/", Body: []byte(`{"AccessToken":"ok-1","AttributeName":"email"}`), Header: requestHeader})
		for range atk.Attack(tr, vegeta.Rate{Freq: 2000, Per: time.Second}, 2*time.Second, "ref") {
			sent++
		}
	}
	b.ReportMetric(sent/float64(b.N)/4000, "sent/planned")
}

// BenchmarkPaceSteps is the pacer's work per hit on a 12-step stage, the
// schedule's longest form: it runs once per request sent.
func BenchmarkPaceSteps(b *testing.B) {
	st := scenarios.Stage{Kind: scenarios.StageSteps, From: 10, To: 120, Step: 10, Every: 5 * time.Second, Duration: time.Minute}
	p := NewPacer(st, time.Second)
	b.ReportAllocs()
	for i := range b.N {
		p.Pace(time.Duration(i%60_000)*time.Millisecond, uint64(i%60_000))
	}
}
