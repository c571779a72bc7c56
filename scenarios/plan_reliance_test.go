package scenarios

import (
	"slices"
	"strings"
	"testing"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/evidence"
)

func replace(s, old, new string) string { return strings.ReplaceAll(s, old, new) }

func relianceIDs(p *Plan) []string {
	var ids []string
	for _, r := range p.Reliances() {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestReliances(t *testing.T) {
	const base = `
name: t
target: {mock: {pools: [email-ses]}}
tokenPools:
  - {name: valid, kind: valid, checkout: sequential, size: 5000, source: {mint: {}}}
attributes: [{name: email}]
load: {stages: [{duration: 10s, rate: RATE}]}
`
	for _, tc := range []struct {
		name, yaml string
		want, not  []string
	}{
		{"under every quota relies on nothing unconfirmed", base, nil, []string{"quota.burst"}},
		{"throttling expected", replace(base, "RATE", "80"), []string{"quota.burst", "quota.counting", "quota.throttled-not-counted"}, nil},
		{"a threshold on throttling", base + "thresholds: [throttle_rate < 1%]\n", []string{"quota.counting"}, nil},
		{"per-user limiting expected", replace(replace(base, "size: 5000", "size: 2"), "RATE", "5"), []string{"limit.codes-counting", "limit.window"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := replace(tc.yaml, "RATE", "10")
			ids := relianceIDs(mustParse(t, y, CompileOptions{}))
			for _, w := range tc.want {
				if !slices.Contains(ids, w) {
					t.Errorf("reliances %v lack %s", ids, w)
				}
			}
			for _, n := range tc.not {
				if slices.Contains(ids, n) {
					t.Errorf("reliances %v hold %s", ids, n)
				}
			}
		})
	}
}

// Every reliance is unconfirmed evidence, weakest last, and names a
// ledger entry.
func TestReliancesAreUnconfirmedAndOrdered(t *testing.T) {
	p := mustCompile(t, "smoke", CompileOptions{})
	rs := p.Reliances()
	if len(rs) == 0 {
		t.Fatal("smoke relies on nothing: its tampered tokens expect NotAuthorizedException (token.forged, inferred)")
	}
	for i, r := range rs {
		e, ok := evidence.Lookup(r.ID)
		if !ok || e.Level != r.Level || !r.Level.Unconfirmed() || r.Because == "" || r.Behaviour() == "" {
			t.Errorf("reliance %+v", r)
		}
		if i > 0 && rs[i-1].Level.Weaker(r.Level) {
			t.Errorf("%s (%s) after %s (%s): weakest last", r.ID, r.Level, rs[i-1].ID, rs[i-1].Level)
		}
	}
}

// The quota prediction uses the category the mock and the ledger use.
func TestDefaultCategoryRPSIsTheDocumentedOne(t *testing.T) {
	if DefaultCategoryRPS != cognito.CategoryRPS[cognito.CategoryUserResourceRead] {
		t.Errorf("DefaultCategoryRPS %v, want UserResourceRead's %v", DefaultCategoryRPS, cognito.CategoryRPS[cognito.CategoryUserResourceRead])
	}
	if e, _ := evidence.Lookup("quota.category"); e.Level != evidence.Documented {
		t.Errorf("quota.category is %s; the prediction's wording assumes documented", e.Level)
	}
}
