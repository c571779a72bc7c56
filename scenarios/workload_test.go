package scenarios

import (
	"strings"
	"testing"
)

func TestWorkloadHash(t *testing.T) {
	const base = `
name: NAME
target: TARGET
tokenPools: [{name: valid, weight: 1, size: 10, kind: valid, checkout: sequential, source: SOURCE}]
attributes: [{name: email, weight: 1}]
load: {seed: 3, stages: [{duration: 2s, rate: RATE}]}
thresholds: [violations == 0]
`
	hash := func(name, target, source, rate string) string {
		t.Helper()
		src := strings.NewReplacer("NAME", name, "TARGET", target, "SOURCE", source, "RATE", rate).Replace(base)
		sc, err := Parse("s.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		p, err := sc.Compile(CompileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		h, err := WorkloadHash(p.Resolved)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	real := hash("weekly-real", "{endpoint: {url: 'http://127.0.0.1:1', userPoolId: us-east-1_A, clientId: c}}", "{env: TOKENS}", "5")
	mock := hash("nightly-mock", "{mock: {pools: [email-ses]}}", "{mint: {}}", "5")
	if real != mock {
		t.Errorf("one workload against a real pool and the mock hashes differently: %s vs %s", real, mock)
	}
	if other := hash("nightly-mock", "{mock: {}}", "{mint: {}}", "6"); other == mock {
		t.Error("a different rate hashes the same")
	}
	if _, err := WorkloadHash(nil); err == nil {
		t.Error("no resolved scenario accepted")
	}
}
