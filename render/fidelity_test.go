package render

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/fidelity"
	"github.com/cogload/cogload/internal/golden"
	"github.com/cogload/cogload/internal/reportfixture"
)

// fixtureFidelity measures the fixture run made 30% slower against the
// fixture run.
func fixtureFidelity(t *testing.T) *fidelity.Report {
	t.Helper()
	resolved := reportfixture.Plan().Resolved
	real := fidelity.Run{Summary: reportfixture.Run(t, "real", 1), Resolved: resolved}
	slow := fidelity.Run{Summary: reportfixture.Run(t, "mock", 1.3), Resolved: resolved}
	rep, err := fidelity.Measure(real, slow, fidelity.Options{Rules: []compare.Rule{mustRule(t, "p50>+10%")}})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestFidelityGolden(t *testing.T) {
	t.Parallel()
	rep := fixtureFidelity(t)
	for _, f := range []struct {
		name   string
		render func(w *bytes.Buffer) error
	}{
		{"fixture.txt", func(w *bytes.Buffer) error { return FidelityText(w, rep) }},
		{"fixture.md", func(w *bytes.Buffer) error { return FidelityMarkdown(w, rep) }},
		{"fixture.json", func(w *bytes.Buffer) error { return FidelityJSON(w, rep) }},
	} {
		t.Run(f.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := f.render(&buf); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("fidelity", f.name), buf.Bytes())
		})
	}
	if rep.Verdict != fidelity.Differs || !rep.Breached() {
		t.Errorf("a run 30%% slower judged %s", rep.Verdict)
	}
}

func TestFidelityHTML(t *testing.T) {
	t.Parallel()
	rep := fixtureFidelity(t)
	var buf bytes.Buffer
	if err := FidelityHTML(&buf, rep); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{`data-kind="fidelity"`, "Latency by outcome", "Variants (token pool · attribute · metadata)", `class="verdict bad"`, "p50&gt;&#43;10%",
		`<td class=" good">same (one step: `} { // the throttle verdict is coloured like every other
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	var back fidelity.Report
	if err := json.Unmarshal(embeddedJSON(t, page, "cogload-fidelity"), &back); err != nil || back.Verdict != fidelity.Differs {
		t.Errorf("embedded report: %v, verdict %q", err, back.Verdict)
	}
	var charts chartData
	if err := json.Unmarshal(embeddedJSON(t, page, "cogload-charts"), &charts); err != nil || len(charts.Runs) != 2 {
		t.Errorf("charts: %v, %d runs", err, len(charts.Runs))
	}
}
