package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/s3fake"
)

func mainWithEnv(t *testing.T, env []string, args ...string) (domain.ExitCode, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Stdio{Out: &out, Err: &errb, Env: env})
	return code, out.String(), errb.String()
}

func TestShardAndStartFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"auto without index", nil, []string{"run", "--shard", "auto/4"}, "JOB_COMPLETION_INDEX (a pod's completion index"},
		{"auto past the count", []string{"JOB_COMPLETION_INDEX=4"}, []string{"run", "--shard", "auto/4"}, "JOB_COMPLETION_INDEX=4 is past the 4 shards"},
		{"auto bad index", []string{"JOB_COMPLETION_INDEX=two"}, []string{"run", "--shard", "auto/4"}, `JOB_COMPLETION_INDEX="two"`},
		{"more shards than requests", nil, []string{"run", "--rate", "1", "--duration", "2s", "--shard", "1/9", "--out", t.TempDir()}, "fewer than its 9 shards"},
		{"bad start", nil, []string{"run", "--start-at", "tomorrow"}, "--start-at: want an RFC 3339 time"},
		{"bad out", nil, []string{"run", "--out", "s3://Not_A_Bucket/x"}, "--out: "},
		{"bad report location", nil, []string{"report", "s3://x/"}, "not a bucket name"},
	} {
		code, _, stderr := mainWithEnv(t, tc.env, tc.args...)
		if code != domain.ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 saying %q", tc.name, code, stderr, tc.want)
		}
	}
}

func TestReportRefusesAMissingShard(t *testing.T) {
	root := t.TempDir()
	a := writeReportArchive(t, root, "h1", "1/3", 5, false)
	c := writeReportArchive(t, root, "h1", "3/3", 5, false)
	code, _, stderr := reportCLI(t, "report", a, c)
	if code != domain.ExitUsage || !strings.Contains(stderr, "shard 2/3 is missing") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestCheckParsesWithoutRunning(t *testing.T) {
	env := []string{"JOB_COMPLETION_INDEX=1"}
	for _, ok := range [][]string{
		{"run", "smoke", "--shard", "auto/2", "--start-at", "2030-01-01T00:00:00Z", "--out", "s3://bucket-1/runs/x"},
		{"report", "s3://bucket-1/runs/x/", "--write", "s3://bucket-1/merged/x", "--format", "markdown"},
		{"compare", "s3://bucket-1/runs/a/", "s3://bucket-1/runs/b/", "--fail-on", "p99>+10%"},
	} {
		if err := Check(ok, Stdio{Env: env}); err != nil {
			t.Errorf("Check(%q): %v", ok, err)
		}
	}
	var ee *domain.ExitError
	if err := Check([]string{"run", "smoke", "--shard", "auto/2"}, Stdio{}); !errors.As(err, &ee) || ee.Code != domain.ExitUsage {
		t.Errorf("auto shard without the index: %v", err)
	}
	if err := Check([]string{"mock"}, Stdio{}); err == nil || !strings.Contains(err.Error(), "only compare, report, run") {
		t.Errorf("mock: %v", err)
	}
}

// TestShardsThroughS3: two shards upload their archives to one prefix;
// report merges what it finds there and writes the merge back; compare
// reads both; a run to a bucket that does not exist stops before sending.
func TestShardsThroughS3(t *testing.T) {
	fake := s3fake.Start(t)
	scenario := writeScenario(t, `
name: s3-shards
target: {mock: {}}
tokenPools: [{name: valid, weight: 1, kind: valid, source: {mint: {}}}]
attributes: [{name: email, weight: 1}]
load: {stages: [{duration: 1s, rate: 9}]}
`)
	const runs = "s3://" + s3fake.Bucket + "/runs/r1"
	var sent uint64
	for i, idx := range []string{"0", "1"} {
		code, stdout, stderr := mainWithEnv(t, append(fake.Env(), "JOB_COMPLETION_INDEX="+idx), "run", scenario, "--shard", "auto/2", "--out", runs, "--quiet")
		if code != 0 || !strings.HasPrefix(stdout, runs+"/s3-shards-email-default-") {
			t.Fatalf("shard %d: exit %d, stdout %q, stderr %q", i+1, code, stdout, stderr)
		}
	}
	code, stdout, stderr := mainWithEnv(t, fake.Env(), "report", runs+"/", "--format", "json", "--write", "s3://"+s3fake.Bucket+"/merged/r1")
	var s aggregate.Summary
	if code != 0 || json.Unmarshal([]byte(stdout), &s) != nil {
		t.Fatalf("report: exit %d, stderr %q", code, stderr)
	}
	sent = s.Totals.Requests
	if sent != 9 || strings.Join(s.Run.Shards, " ") != "1/2 2/2" || !strings.Contains(stderr, "wrote s3://"+s3fake.Bucket+"/merged/r1/") {
		t.Errorf("merged %d requests from shards %v; stderr %q", sent, s.Run.Shards, stderr)
	}
	code, stdout, stderr = mainWithEnv(t, fake.Env(), "compare", runs+"/", "s3://"+s3fake.Bucket+"/merged/r1/")
	if code != 0 || !strings.Contains(stdout, "9") {
		t.Errorf("compare: exit %d, stderr %q\n%s", code, stderr, stdout)
	}
	code, _, stderr = mainWithEnv(t, fake.Env(), "report", runs+"/", "--write", "s3://"+s3fake.Bucket+"/merged/r1")
	if code != domain.ExitUsage || !strings.Contains(stderr, "already holds objects") {
		t.Errorf("--write over a merge: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = mainWithEnv(t, fake.Env(), "run", scenario, "--out", "s3://no-such-bucket/x")
	if code != domain.ExitUsage || !strings.Contains(stderr, "bucket no-such-bucket does not exist") || strings.Contains(stderr, "preparing tokens") {
		t.Errorf("missing bucket: exit %d, stderr %q", code, stderr)
	}
}
