package deploy

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/archive"
	"github.com/cogload/cogload/internal/s3fake"
	"github.com/cogload/cogload/mock/sidedoor"
	"github.com/cogload/cogload/s3archive"
	"github.com/cogload/cogload/scenarios"
)

// simScenario is what the scenario ConfigMap holds for the simulation
// (kubernetes/simulate/scenario.yaml, shared with simulate.sh): the mock
// on loopback, a ramp, steps and a constant stage.
func simScenario(t *testing.T, info sidedoor.Info) string {
	t.Helper()
	b, err := os.ReadFile("kubernetes/simulate/scenario.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("MOCK_ENDPOINT", info.Endpoint, "MOCK_REGION", info.Region,
		"MOCK_USER_POOL_ID", info.UserPoolID, "MOCK_CLIENT_ID", info.ClientID).Replace(string(b))
}

// startMock runs `cogload mock --no-limits` on a free loopback port until
// the test ends and returns its contract line.
func startMock(t *testing.T, bin string) sidedoor.Info {
	t.Helper()
	cmd := exec.Command(bin, "mock", "--no-limits", "--seed", "1", "--addr", "127.0.0.1:0")
	cmd.Env = []string{}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadBytes('\n')
	var info sidedoor.Info
	if err != nil || json.Unmarshal(line, &info) != nil || info.Endpoint == "" {
		t.Fatalf("cogload mock: no contract line (%v): %s", err, stderr.String())
	}
	return info
}

// TestSimulatedJob runs the Kubernetes Job on this machine: the load Job's
// N pods as N `cogload run` processes with the pods' own command lines
// (JOB_COMPLETION_INDEX set, one START_AT, archives to S3 — a fake on
// loopback) against one `cogload mock --no-limits`, then the merge Job's
// command. The merge must hold the plan's requests, follow its rate
// second by second on one time axis, and have the percentiles of the
// shards' histograms merged by hand.
func TestSimulatedJob(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cogload and runs six processes")
	}
	bin := buildCogload(t)
	m := loadManifests(t)
	load, merge := m.job(t, "cogload-load"), m.job(t, "cogload-merge")
	n := int(*load.Spec.Completions)
	fake := s3fake.Start(t)
	info := startMock(t, bin)

	scenario := simScenario(t, info)
	m.configMap(t, "cogload-scenario").Data["scenario.yaml"] = scenario
	startAt := time.Now().Add(6 * time.Second).Truncate(time.Second)
	run := m.configMap(t, "cogload-run").Data
	run["START_AT"], run["RUN_ID"], run["BUCKET"] = startAt.UTC().Format(time.RFC3339), "sim-1", s3fake.Bucket
	var users strings.Builder
	for _, u := range info.Users {
		fmt.Fprintf(&users, "%s,%s\n", u.Username, u.Password)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	type proc struct {
		cmd *exec.Cmd
		out bytes.Buffer
	}
	procs := make([]*proc, n)
	for i := range n {
		pod := m.podCommand(t, load, i, t.TempDir(), []byte(users.String()))
		p := &proc{cmd: exec.CommandContext(ctx, bin, pod.args...)}
		p.cmd.Env = append(envList(pod.env), fake.Env()...)
		p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs[i] = p
	}
	for i, p := range procs {
		if err := p.cmd.Wait(); err != nil {
			t.Errorf("pod %d (%s): %v\n%s", i, strings.Join(p.cmd.Args, " "), err, p.out.String())
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	pod := m.podCommand(t, merge, 0, t.TempDir(), nil)
	cmd := exec.CommandContext(ctx, bin, pod.args...)
	cmd.Env = append(envList(pod.env), fake.Env()...)
	var report, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &report, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("merge (%s): %v\n%s%s", strings.Join(cmd.Args, " "), err, report.String(), stderr.String())
	}
	t.Logf("merged report (cogload %s):\n%s", strings.Join(pod.args, " "), report.String())

	st, err := s3archive.New(ctx, fake.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	open := func(prefix string) []*archive.Archive {
		loc, err := s3archive.ParseURL("s3://" + s3fake.Bucket + "/" + prefix)
		if err != nil {
			t.Fatal(err)
		}
		found, _, err := st.Download(ctx, loc, t.TempDir(), false)
		if err != nil {
			t.Fatal(err)
		}
		var out []*archive.Archive
		for _, f := range found {
			a, err := archive.OpenArchive(f.Dir)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, a)
		}
		return out
	}
	shards, merged := open("cogload/sim-1/"), open("cogload-merged/sim-1/")
	if len(shards) != n || len(merged) != 1 {
		t.Fatalf("%d shard archives and %d merged ones in the bucket, want %d and 1", len(shards), len(merged), n)
	}
	ms := merged[0].Summary

	dir := t.TempDir()
	for name, body := range map[string]string{"scenario.yaml": scenario, "users.csv": users.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sc, err := scenarios.Load(t.Context(), filepath.Join(dir, "scenario.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := sc.Compile(scenarios.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var planned uint64
	for _, s := range plan.Stages {
		planned += s.Hits()
	}

	// Every shard: its share, with its own rate and the plan's axis.
	var skipped uint64
	for _, a := range shards {
		r := a.Summary.Run
		sh := scenarios.Shard{Index: r.ShardIndex, Count: r.ShardCount}
		part, err := sh.Apply(plan)
		if err != nil {
			t.Fatal(err)
		}
		var want, sent, skip uint64
		for k, s := range a.Summary.Schedule {
			want += part.Stages[k].Hits()
			sent += s.Sent
			skip += s.Skipped
		}
		skipped += skip
		if sent+skip != want || r.PlanHash != plan.ResolvedHash() || !r.StartAt.Equal(startAt) {
			t.Errorf("shard %s: sent %d + skipped %d, its plan holds %d; plan hash %s; start_at %v", r.Shard, sent, skip, want, aggregate.ShortHash(r.PlanHash), r.StartAt)
		}
		t.Logf("shard %s: %d requests (%d skipped), target %.2f req/s, achieved %.2f req/s, p99 %.1f ms, first request %s after START_AT",
			r.Shard, a.Summary.Totals.Requests, skip, a.Summary.Totals.TargetRate, a.Summary.Totals.AchievedRate, a.Summary.Overall.Latency.P99Ms,
			a.Summary.Totals.FirstRequest.Sub(startAt).Round(time.Millisecond))
	}

	// The plan's requests: each hit sent once or, after a stall of more
	// than the pacer's backlog, skipped and counted (none on an idle
	// machine).
	got := ms.Totals.Requests
	if got+skipped != planned || float64(skipped) > 0.05*float64(planned) {
		t.Errorf("merged: %d requests + %d skipped; the plan holds %d", got, skipped, planned)
	}
	mean := plan.TotalRequests() / plan.TotalDuration().Seconds()
	if math.Abs(ms.Totals.PlannedRequests-float64(planned)) > 2 || math.Abs(ms.Totals.TargetRate-mean) > 0.03*mean {
		t.Errorf("merged: planned %.2f requests at %.2f req/s; the plan: %d at %.2f req/s", ms.Totals.PlannedRequests, ms.Totals.TargetRate, planned, mean)
	}
	if !ms.Run.Start.Equal(startAt) || !ms.Run.StartAt.Equal(startAt) || len(ms.Run.Shards) != n {
		t.Errorf("merged run starts %v (start_at %v) from shards %v; want %v", ms.Run.Start, ms.Run.StartAt, ms.Run.Shards, startAt)
	}

	// Second by second on START_AT's axis: what was sent follows the
	// plan's integral over that second, and the merged target rate is
	// the plan's rate.
	if ms.Series.IntervalS != 1 {
		t.Fatalf("series interval %d s", ms.Series.IntervalS)
	}
	bySecond := map[int]aggregate.Point{}
	var inSeries uint64
	for _, p := range ms.Series.Points {
		bySecond[int(p.OffsetS)] = p
		inSeries += p.Sent
	}
	secs := int(plan.TotalDuration() / time.Second)
	for s := range secs + 1 {
		p := bySecond[s]
		want := plan.RequestsUpTo(time.Duration(s+1)*time.Second) - plan.RequestsUpTo(time.Duration(s)*time.Second)
		if tol := max(4, 0.15*want); math.Abs(float64(p.Sent)-want) > tol {
			t.Errorf("second %d: %d sent, the plan %.1f (±%.1f)", s, p.Sent, want, tol)
		}
		if s < secs {
			if rate := plan.RateAt(time.Duration(s)*time.Second + 500*time.Millisecond); math.Abs(p.TargetRate-rate) > 1e-6*max(1, rate) {
				t.Errorf("second %d: merged target %.4f req/s, the plan's %.4f", s, p.TargetRate, rate)
			}
		}
		t.Logf("second %d: sent %3d, plan %5.1f, target %5.1f req/s", s, p.Sent, want, p.TargetRate)
	}
	if inSeries != got {
		t.Errorf("the series holds %d requests, the totals %d", inSeries, got)
	}

	// The percentiles are those of the shards' histograms merged by hand.
	whole := hdr.New(1, int64(5*time.Minute/time.Microsecond), 3)
	for _, a := range shards {
		h, err := hdr.Decode([]byte(a.Summary.Overall.Histogram))
		if err != nil {
			t.Fatal(err)
		}
		if dropped := whole.Merge(h); dropped != 0 {
			t.Fatalf("%d values dropped", dropped)
		}
	}
	q := whole.ValueAtPercentilesSlice([]float64{50, 90, 95, 99, 99.9})
	ms2 := func(us int64) float64 { return float64(us) / 1e3 }
	l := ms.Overall.Latency
	if l.Count != uint64(whole.TotalCount()) || l.MinMs != ms2(whole.Min()) || l.MaxMs != ms2(whole.Max()) ||
		l.P50Ms != ms2(q[0]) || l.P90Ms != ms2(q[1]) || l.P95Ms != ms2(q[2]) || l.P99Ms != ms2(q[3]) || l.P999Ms != ms2(q[4]) {
		t.Errorf("merged latency %+v; by hand: count %d min %v p50 %v p90 %v p95 %v p99 %v p99.9 %v max %v",
			l, whole.TotalCount(), ms2(whole.Min()), ms2(q[0]), ms2(q[1]), ms2(q[2]), ms2(q[3]), ms2(q[4]), ms2(whole.Max()))
	}
}
