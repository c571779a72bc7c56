// Package examples holds copy-and-paste material (CI workflows and the
// scenarios they run); its test keeps them valid.
package examples

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

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
	sc, err := scenarios.Load(path)
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
