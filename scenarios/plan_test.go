package scenarios

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestQuotaUsePerUserAndEmail(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `
tokenPools: [{name: few, size: 10, checkout: sequential}]
load: {stages: [{duration: 60s, rate: 2}]}
`, CompileOptions{})
	use := strings.Join(p.QuotaUse(), "\n")
	// 120 requests over 10 users: 12 per user per hour against a limit of 5.
	if !strings.Contains(use, "12.00 per user per hour") || !strings.Contains(use, "LimitExceededException expected for about 58.3%") {
		t.Errorf("per-user use:\n%s", use)
	}
	if !strings.Contains(use, "about 120 emails per day") {
		t.Errorf("email use:\n%s", use)
	}
}

func TestPlanJSON(t *testing.T) {
	t.Parallel()
	p := mustCompile(t, "smoke", CompileOptions{})
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Name       string `json:"name"`
		TokenPools []struct {
			Name         string `json:"name"`
			TokensNeeded int    `json:"tokensNeeded"`
		} `json:"tokenPools"`
		Variants []struct {
			TokenPool string   `json:"tokenPool"`
			Outcomes  []string `json:"outcomes"`
		} `json:"variants"`
		TotalRequests float64 `json:"totalRequests"`
		Resolved      string  `json:"resolved"`
	}
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Name != "smoke" || len(back.TokenPools) != len(p.TokenPools) || len(back.Variants) != len(p.Variants) ||
		back.TotalRequests != p.TotalRequests() || back.Resolved != string(p.Resolved) || back.TokenPools[0].TokensNeeded == 0 {
		t.Errorf("JSON plan %s", data)
	}
}
