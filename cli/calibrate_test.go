package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/cogload/cogload/archive"
	"github.com/cogload/cogload/calibrate"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/fidelity"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/run"
	"github.com/cogload/cogload/scenarios"
)

// poolX is the pool the round trip calibrates: it plays the real pool,
// served on loopback as an endpoint target. Its latency depends on the
// outcome, is narrow, and long next to the load generator's own time per
// request (counted twice: once in the calibrated table, once by the mock
// run), so the mock's model, not the machine, decides the percentiles.
// Per-user limits are off so the runs can reuse users.
const poolX = `name: x
delivery:
  email: {sendingAccount: DEVELOPER, failureRate: 0.03}
  sms: {failureRate: 0.03}
quotas: {rps: 60, burst: 15, perUserRps: 0, codesPerUserPerHour: 0}
latency:
  p50: 120ms
  p99: 160ms
  outcomes:
    ok: {p50: 160ms, p99: 220ms}
    NotAuthorizedException: {p50: 100ms, p99: 140ms}
    InvalidParameterException: {p50: 90ms, p99: 120ms}
    TooManyRequestsException: {p50: 80ms, p99: 110ms}
    InternalErrorException: {p50: 200ms, p99: 220ms}
    CodeDeliveryFailureException: {p50: 180ms, p99: 200ms}
faults: {InternalErrorException: 0.03}
users:
  generate: {count: 300, emailDomain: example.com, phoneShare: 0.5}
`

// The smoke-like and throttle-probe-like plans, shortened: TARGET and the
// token SOURCE are all that differ between the real and the mock runs.
const (
	rtSmoke = `name: rt-smoke
target: TARGET
tokenPools:
  - {name: valid, weight: 80, size: 150, kind: valid, checkout: sequential, source: SOURCE}
  - {name: tampered, weight: 10, size: 10, kind: tampered, source: SOURCE}
  - {name: garbage, weight: 10, size: 20, kind: garbage}
attributes:
  - {name: email, weight: 75}
  - {name: phone_number, weight: 15}
  - {name: "custom:tier", weight: 10}
metadata:
  - {name: absent, weight: 1, absent: true}
load:
  seed: 11
  timeout: 5s
  connections: 64
  stages:
    - {name: steady, duration: 10s, rate: 50}
`
	rtProbe = `name: rt-probe
target: TARGET
tokenPools:
  - {name: valid, weight: 1, size: 100, kind: valid, checkout: sequential, source: SOURCE}
attributes:
  - {name: email, weight: 1}
load:
  seed: 12
  timeout: 5s
  connections: 128
  stages:
    - {name: climb, steps: {from: 40, to: 80, step: 20, every: 2s}}
    - {name: hold, duration: 3s, rate: 80}
`
)

// TestCalibrateRoundTrip: runs against a served mock X are calibrated
// into Y; runs on Y measured against X's agree (p50 and p99 per outcome
// within 10%, X's fault rates inside the calibrated intervals, the
// throttle onset within one probe step); a Y with its latency doubled and
// its quota halved is reported as differing.
//
// It measures time, so it watches the machine while it runs: when the
// scheduler stalls (another process saturating the cores) or a run falls
// behind its schedule, the latencies are the machine's, not the mock's,
// and the round trip is repeated once, then skipped saying why.
func TestCalibrateRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("about a minute of load")
	}
	for attempt := 1; ; attempt++ {
		w := watchStalls()
		rt := roundTrip(t, filepath.Join(t.TempDir(), fmt.Sprint(attempt)), w)
		w.stop()
		if t.Failed() {
			return
		}
		why := rt.unhealthy(w.worst())
		t.Logf("attempt %d: the scheduler stalled for at most %v", attempt, w.worst().Round(time.Millisecond))
		if why == "" {
			rt.check(t)
			return
		}
		if attempt == 2 {
			t.Skipf("the machine is too loaded to measure latency (%s); run again on a quieter machine", why)
		}
		t.Logf("attempt %d: %s: again", attempt, why)
	}
}

// maxStall is the longest scheduling delay under which the mock's
// latency model (80ms and up) still decides the percentiles: a stall
// delays the few requests in flight, not one in a hundred.
const maxStall = 100 * time.Millisecond

// stallWatch samples how late a 10ms sleep wakes up while an attack is
// sending (token minting and key generation before it may stall the
// machine harmlessly), until stopped.
type stallWatch struct {
	done      chan struct{}
	ended     chan struct{}
	mu        sync.Mutex
	w         time.Duration
	attacking int
}

// sending marks an attack under way until the returned function is
// called: run.Options.Progress calls it from the attack's first report.
func (s *stallWatch) sending() (progress func(domain.Progress), done func()) {
	counted := false
	progress = func(domain.Progress) {
		s.mu.Lock()
		if !counted {
			counted = true
			s.attacking++
		}
		s.mu.Unlock()
	}
	done = func() {
		s.mu.Lock()
		if counted {
			s.attacking--
		}
		s.mu.Unlock()
	}
	return progress, done
}

func watchStalls() *stallWatch {
	s := &stallWatch{done: make(chan struct{}), ended: make(chan struct{})}
	go func() {
		defer close(s.ended)
		for {
			select {
			case <-s.done:
				return
			default:
			}
			start := time.Now()
			time.Sleep(10 * time.Millisecond)
			late := time.Since(start) - 10*time.Millisecond
			s.mu.Lock()
			if s.attacking > 0 {
				s.w = max(s.w, late)
			}
			s.mu.Unlock()
		}
	}()
	return s
}

func (s *stallWatch) worst() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w
}

func (s *stallWatch) stop() { close(s.done); <-s.ended }

// roundTripRuns are the archives and outputs of one round trip.
type roundTripRuns struct {
	base, realSmoke, realProbe string
	y, y2                      [2]string
	behind                     []string
}

// roundTrip runs X, calibrates Y, runs Y and Y2; it stops as soon as the
// machine could not hold a run's timing.
func roundTrip(t *testing.T, dir string, w *stallWatch) *roundTripRuns {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rt := &roundTripRuns{}
	write := func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rt.base = write("x.yaml", poolX)
	cfgX, err := mock.LoadConfig(t.Context(), rt.base)
	if err != nil {
		t.Fatal(err)
	}
	x, err := mock.StartLocal(cfgX, mock.WithSeed(3))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var users strings.Builder
	for _, c := range x.Credentials() {
		fmt.Fprintf(&users, "%s,%s\n", c.Username, c.Password)
	}
	write("users.csv", users.String())
	info := x.Info(x.URL)
	endpoint := fmt.Sprintf("{endpoint: {url: %q, region: us-east-1, userPoolId: %s, clientId: %s}}", x.URL, info.UserPoolID, info.ClientID)

	var mu sync.Mutex
	runPlan := func(name, body, target, source string) string {
		t.Helper()
		p := write(name+".yaml", strings.NewReplacer("TARGET", target, "SOURCE", source).Replace(body))
		sc, err := scenarios.Load(t.Context(), p)
		if err != nil {
			t.Error(err)
			return ""
		}
		plan, err := sc.Compile(scenarios.CompileOptions{})
		if err != nil {
			t.Error(err)
			return ""
		}
		progress, sent := w.sending()
		rs, err := run.Run(t.Context(), plan, run.Options{Out: filepath.Join(dir, "results", name), Dir: dir, Progress: progress})
		sent()
		if err != nil {
			t.Error(err)
			return ""
		}
		if rs[0].Summary.Totals.BehindSchedule {
			mu.Lock()
			rt.behind = append(rt.behind, name)
			mu.Unlock()
		}
		return rs[0].Archive
	}
	rt.realSmoke = runPlan("real-smoke", rtSmoke, endpoint, "{mint: {users: users.csv}}")
	rt.realProbe = runPlan("real-probe", rtProbe, endpoint, "{mint: {users: users.csv}}")
	if t.Failed() || rt.unhealthy(w.worst()) != "" {
		return rt
	}

	yPath := filepath.Join(dir, "y.yaml")
	code, out, errOut := runCLI(t.Context(), t, "calibrate", rt.realSmoke, rt.realProbe, "--out", yPath, "--base", rt.base)
	t.Logf("cogload calibrate (exit %d):\n%s%s", code, out, errOut)
	if code != 0 {
		t.Fatalf("calibrate exit %d: %s", code, errOut)
	}
	yText, _ := os.ReadFile(yPath)
	t.Logf("%s:\n%s", yPath, yText)
	cfgY, err := mock.LoadConfig(t.Context(), yPath)
	if err != nil {
		t.Fatalf("the calibrated configuration does not load: %v", err)
	}

	// Y2 is Y with its latency doubled and its quota halved.
	y2Path := filepath.Join(dir, "y2.yaml")
	for name, l := range cfgY.Latency.Outcomes {
		for i := range l.Quantiles {
			l.Quantiles[i].Latency *= 2
		}
		cfgY.Latency.Outcomes[name] = l
	}
	*cfgY.Quotas.RPS /= 2
	*cfgY.Quotas.Burst = max(1, *cfgY.Quotas.Burst/2)
	y2, err := yaml.Marshal(cfgY)
	if err != nil {
		t.Fatal(err)
	}
	write("y2.yaml", string(y2))

	// One run at a time, as X's ran: the machine's load is the same for
	// every run.
	for _, m := range []struct {
		pool string
		into *[2]string
	}{{yPath, &rt.y}, {y2Path, &rt.y2}} {
		target := fmt.Sprintf("{mock: {pools: [%q]}}", m.pool)
		name := strings.TrimSuffix(filepath.Base(m.pool), ".yaml")
		for i, plan := range []string{rtSmoke, rtProbe} {
			if t.Failed() || rt.unhealthy(w.worst()) != "" {
				return rt
			}
			m.into[i] = runPlan(name+[]string{"-smoke", "-probe"}[i], plan, target, "{mint: {}}")
		}
	}
	return rt
}

// unhealthy says why the machine could not hold the round trip's timing,
// or "".
func (rt *roundTripRuns) unhealthy(stall time.Duration) string {
	var why []string
	if stall > maxStall {
		why = append(why, fmt.Sprintf("the scheduler stalled for %v (over %v)", stall.Round(time.Millisecond), maxStall))
	}
	if len(rt.behind) > 0 {
		why = append(why, "runs fell behind schedule: "+strings.Join(rt.behind, ", "))
	}
	return strings.Join(why, "; ")
}

func (rt *roundTripRuns) check(t *testing.T) {
	t.Helper()
	checkCalibration(t, rt.realSmoke, rt.realProbe, rt.base)
	measure := func(realRun, mockRun string) *fidelity.Report {
		t.Helper()
		code, out, errOut := runCLI(t.Context(), t, "fidelity", realRun, mockRun)
		t.Logf("cogload fidelity %s %s (exit %d):\n%s%s", filepath.Base(realRun), filepath.Base(mockRun), code, out, errOut)
		if code != 0 {
			t.Fatalf("fidelity exit %d", code)
		}
		_, js, _ := runCLI(t.Context(), t, "fidelity", realRun, mockRun, "--format", "json")
		var rep fidelity.Report
		if err := json.Unmarshal([]byte(js), &rep); err != nil {
			t.Fatal(err)
		}
		return &rep
	}
	smoke, probe := measure(rt.realSmoke, rt.y[0]), measure(rt.realProbe, rt.y[1])
	for _, rep := range []*fidelity.Report{smoke, probe} {
		for _, l := range rep.Latency {
			if l.Verdict == fidelity.Differs {
				t.Errorf("Y: latency of %s differs: %+v", l.Outcome, l)
			}
			if l.Verdict == fidelity.FewSamples {
				continue
			}
			if l.P50Ratio < 0.9 || l.P50Ratio > 1.1 || l.P99Judged && (l.P99Ratio < 0.9 || l.P99Ratio > 1.1) {
				t.Errorf("Y: %s p50 ratio %.3f, p99 ratio %.3f (judged %v): want within 10%%", l.Outcome, l.P50Ratio, l.P99Ratio, l.P99Judged)
			}
		}
		for _, l := range rep.Outcomes {
			if l.Verdict == fidelity.Differs {
				t.Errorf("Y: share of %s differs: %+v", l.Outcome, l)
			}
		}
	}
	if th := probe.Throttle; th == nil || !th.Real.Found || !th.Mock.Found || th.Verdict != fidelity.Same {
		t.Errorf("Y: throttle onset %+v, want found on both sides within one step", th)
	}

	smoke2, probe2 := measure(rt.realSmoke, rt.y2[0]), measure(rt.realProbe, rt.y2[1])
	if smoke2.Verdict != fidelity.Differs || probe2.Verdict != fidelity.Differs {
		t.Errorf("Y2 (latency doubled, quota halved) judged %s and %s, want differs", smoke2.Verdict, probe2.Verdict)
	}
	for _, l := range smoke2.Latency {
		if l.Outcome == "ok" && l.Verdict != fidelity.Differs {
			t.Errorf("Y2: ok latency judged %s at p50 ratio %.2f", l.Verdict, l.P50Ratio)
		}
	}
	if probe2.Throttle == nil || probe2.Throttle.Verdict != fidelity.Differs {
		t.Errorf("Y2: throttle onset %+v, want differs", probe2.Throttle)
	}
	if code, _, _ := runCLI(t.Context(), t, "fidelity", rt.realSmoke, rt.y2[0], "--fail-on", "p50>+10%"); code != 99 {
		t.Errorf("--fail-on p50>+10%% on Y2: exit %d, want 99", code)
	}
}

// checkCalibration checks the calibrated values against X's own: its
// fault and delivery failure rates inside their intervals, its quota
// inside the fitted rate's interval.
func checkCalibration(t *testing.T, smoke, probe, base string) {
	t.Helper()
	var srcs []calibrate.Source
	for _, dir := range []string{smoke, probe} {
		a, err := archiveOf(dir)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, a)
	}
	cfg, err := mock.LoadConfig(t.Context(), base)
	if err != nil {
		t.Fatal(err)
	}
	res, err := calibrate.Calibrate(srcs, calibrate.Options{Base: cfg, BaseName: base})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"faults.InternalErrorException": 0.03, "delivery.email.failureRate": 0.03, "quotas.rps": 60}
	for _, v := range res.Values {
		w, ok := want[v.Field]
		if !ok {
			continue
		}
		delete(want, v.Field)
		if v.Interval == nil || !v.Interval.Contains(w) {
			t.Errorf("%s = %s (%+v): X's %v is outside its interval", v.Field, v.Text, v.Interval, w)
		}
	}
	for f := range want {
		t.Errorf("%s was not calibrated", f)
	}
	if _, ok := res.Config.Latency.Outcomes["ok"]; !ok {
		t.Error("no latency table for ok")
	}
}

func archiveOf(dir string) (calibrate.Source, error) {
	a, err := archive.OpenArchive(dir)
	if err != nil {
		return calibrate.Source{}, err
	}
	return calibrate.Source{Dir: a.Dir, Summary: a.Summary}, nil
}

// TestCalibrateAndFidelityRefuseBadInput: mock runs, malformed archives,
// missing flags and runs of different plans exit 2 saying why.
func TestCalibrateAndFidelityRefuseBadInput(t *testing.T) {
	dir := t.TempDir()
	scenario := writeScenario(t, shortScenario)
	archiveIn := func(out string, extra ...string) string {
		t.Helper()
		if code, _, errOut := runCLI(t.Context(), t, append([]string{"run", scenario, "--out", out, "--quiet"}, extra...)...); code != 0 && code != 99 {
			t.Fatalf("run exit %d: %s", code, errOut)
		}
		entries, err := os.ReadDir(out)
		if err != nil || len(entries) != 1 {
			t.Fatalf("archives in %s: %v %v", out, entries, err)
		}
		return filepath.Join(out, entries[0].Name())
	}
	mockRun := archiveIn(filepath.Join(dir, "a"))
	otherSeed := archiveIn(filepath.Join(dir, "b"), "--seed", "8")
	broken := filepath.Join(dir, "broken")
	if err := os.MkdirAll(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "summary.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "pool.yaml")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"calibrate", mockRun, "--out", out}, "is a run against the embedded mock"},
		{[]string{"calibrate", broken, "--out", out}, "summary.json"},
		{[]string{"calibrate", mockRun}, "--out is required"},
		{[]string{"calibrate", mockRun, "--out", out, "--base", "nope"}, "--base: unknown built-in pool configuration"},
		{[]string{"fidelity", mockRun, otherSeed}, "not runs of the same plan"},
		{[]string{"fidelity", mockRun}, "give two runs"},
		{[]string{"fidelity", mockRun, mockRun, "--fail-on", "p99>>3"}, "--fail-on"},
	} {
		code, _, errOut := runCLI(t.Context(), t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 saying %q", tc.args, code, errOut, tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a refused calibration wrote its output")
	}
	// A run against itself is the same plan and the same answers.
	if code, stdout, errOut := runCLI(t.Context(), t, "fidelity", mockRun, mockRun, "--fail-differs"); code != 0 || !strings.Contains(stdout, "SAME") {
		t.Errorf("a run against itself: exit %d, %s%s", code, stdout, errOut)
	}
}
