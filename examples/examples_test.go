// Package examples holds copy-and-paste material (CI workflows and the
// scenarios they run); its test keeps them valid.
package examples

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/cogload/cogload/cli"
	"github.com/cogload/cogload/scenarios"
)

func TestWorkflowsAreValidYAML(t *testing.T) {
	files, _ := filepath.Glob("ci/*.yml")
	if len(files) < 2 {
		t.Fatalf("want the nightly and release-gate workflows, found %v", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var wf struct {
			Name string         `yaml:"name"`
			Jobs map[string]any `yaml:"jobs"`
		}
		if err := yaml.Unmarshal(b, &wf); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if wf.Name == "" || len(wf.Jobs) == 0 {
			t.Errorf("%s: no name or no jobs", f)
		}
	}
}

// TestRealPoolScenarioCompiles substitutes the placeholders the nightly
// workflow fills from secrets and checks the scenario compiles within its
// own safety ceiling.
func TestRealPoolScenarioCompiles(t *testing.T) {
	b, err := os.ReadFile("ci/real-pool.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer("REGION", "eu-central-1", "USER_POOL_ID", "eu-central-1_AbCdEf123", "CLIENT_ID", "1example23456789").Replace(string(b))
	dir := t.TempDir()
	path := filepath.Join(dir, "real-pool.yaml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "users.csv"), []byte("user1,secret1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := sc.Compile(scenarios.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Target.Mock || plan.PeakRate() > plan.Target.MaxRate {
		t.Errorf("real-pool scenario: mock=%v, peak %.1f req/s above its maxRate %.1f", plan.Target.Mock, plan.PeakRate(), plan.Target.MaxRate)
	}
}

// TestShardedWorkflow: the matrix, the shards' --shard i/N and the merge
// agree, and every cogload command line of the workflow is one cogload
// accepts (parsed by cogload itself, nothing run), with the scenario
// compiled and split into each shard.
func TestShardedWorkflow(t *testing.T) {
	b, err := os.ReadFile("ci/sharded.yml")
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		Run string `yaml:"run"`
	}
	var wf struct {
		Jobs map[string]struct {
			Needs    any `yaml:"needs"`
			Strategy struct {
				FailFast *bool `yaml:"fail-fast"`
				Matrix   struct {
					Shard []int `yaml:"shard"`
				} `yaml:"matrix"`
			} `yaml:"strategy"`
			Steps []step `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	load, merge := wf.Jobs["load"], wf.Jobs["merge"]
	shards := load.Strategy.Matrix.Shard
	if len(shards) < 2 || load.Needs != "plan" || merge.Needs != "load" || load.Strategy.FailFast == nil || *load.Strategy.FailFast {
		t.Fatalf("want plan → load (a shard matrix, fail-fast off) → merge; got shards %v, load needs %v, merge needs %v", shards, load.Needs, merge.Needs)
	}
	dir := t.TempDir()
	s := strings.NewReplacer("REGION", "eu-central-1", "USER_POOL_ID", "eu-central-1_AbCdEf123", "CLIENT_ID", "1example23456789").Replace(mustRead(t, "ci/sharded-pool.yaml"))
	scenario := filepath.Join(dir, "sharded-pool.yaml")
	if err := os.WriteFile(scenario, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "users.csv"), []byte("u1,p1\nu2,p2\nu3,p3\nu4,p4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, job := range []string{"load", "merge"} {
		for _, st := range wf.Jobs[job].Steps {
			for _, line := range strings.Split(st.Run, "\n") {
				if !strings.HasPrefix(strings.TrimSpace(line), "cogload ") {
					continue
				}
				for _, shard := range shards {
					// What GitHub substitutes before the shell sees the line.
					expanded := strings.NewReplacer(
						"${{ matrix.shard }}", fmt.Sprint(shard),
						"${{ needs.plan.outputs.start_at }}", "2030-01-01T00:00:00Z",
					).Replace(line)
					var args []string
					for _, f := range strings.Fields(expanded)[1:] {
						if f == "||" || f == "|" || f == "&&" {
							break
						}
						if f == "sharded-pool.yaml" {
							f = scenario
						}
						args = append(args, f)
					}
					if args[0] == "run" && !slices.Contains(args, fmt.Sprintf("%d/%d", shard, len(shards))) {
						t.Errorf("shard %d runs %q: want --shard %d/%d", shard, args, shard, len(shards))
					}
					if err := cli.Check(args, cli.Stdio{}); err != nil {
						t.Errorf("%s job: cogload %s: %v", job, strings.Join(args, " "), err)
					}
					checked++
				}
			}
		}
	}
	if checked < len(shards)+1 {
		t.Errorf("checked %d cogload command lines; want the %d shards' runs and the merge", checked, len(shards))
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
