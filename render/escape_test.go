package render

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/compare"
	"github.com/cogload/cogload/internal/reportfixture"
)

// hostile are names a scenario, pool configuration or token pool may
// carry: HTML, Markdown links, images, emphasis, code, a bare URL, table
// pipes and a line break.
var hostile = []string{
	`<img src=x onerror=alert(1)>`,
	`</script><script>alert(2)</script>`,
	`[click](javascript:alert(3))`,
	`![pixel](https://tracker.example/p.png)`,
	"**bold** _em_ ~~gone~~ `code`",
	`https://evil.example/login`,
	"a|b\n# heading",
	`<!-- comment -->&amp;`,
}

// hostileSummary puts a hostile string in every user-named place of a
// summary.
func hostileSummary(t *testing.T, i int) *aggregate.Summary {
	s := reportfixture.Summary(t)
	h := func(k int) string { return hostile[(i+k)%len(hostile)] }
	s.Run.Scenario, s.Run.Pool, s.Run.Target, s.Run.ToolVersion, s.Run.ScenarioHash = h(0), h(1), h(2), h(3), h(4)
	for j := range s.Breakdown.TokenPools {
		s.Breakdown.TokenPools[j].Name = h(5 + j)
	}
	for j := range s.Breakdown.Stages {
		s.Breakdown.Stages[j].Name = h(6 + j)
	}
	for j := range s.Breakdown.Metadata {
		s.Breakdown.Metadata[j].Name = h(7 + j)
	}
	for j := range s.Thresholds {
		s.Thresholds[j].Expr, s.Thresholds[j].Note, s.Thresholds[j].Pos = h(j), h(j+1), h(j+2)
	}
	for j := range s.Violations.Examples {
		e := &s.Violations.Examples[j]
		e.Stage, e.TokenPool, e.Attribute, e.Metadata = h(j), h(j+1), h(j+2), h(j+3)
	}
	s.Totals.BehindSchedule, s.Totals.BehindNote = true, h(3)
	return s
}

// rawMarkup finds what would render as markup rather than text.
var rawMarkup = regexp.MustCompile("<[a-zA-Z/!]|[^\\\\]\\]\\(|(^|[^\\\\])\\*\\*bold|(^|[^\\\\])`code|[^\\\\]://")

// checkMarkdown fails when user text became markup or broke a table row.
func checkMarkdown(t *testing.T, md string) {
	t.Helper()
	for n, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "# heading") || strings.HasPrefix(line, "#heading") {
			t.Errorf("line %d: a name started a heading: %q", n+1, line)
		}
		if m := rawMarkup.FindString(line); m != "" {
			t.Errorf("line %d: user text became markup (%q): %q", n+1, m, line)
		}
		if strings.HasPrefix(line, "|") {
			cells := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(line, -1))
			if want := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(strings.Split(md, "\n")[tableStart(md, n)], -1)); cells != want {
				t.Errorf("line %d: %d cell borders, the table's header has %d: %q", n+1, cells, want, line)
			}
		}
	}
}

// tableStart is the header line of the table holding line n.
func tableStart(md string, n int) int {
	lines := strings.Split(md, "\n")
	for n > 0 && strings.HasPrefix(lines[n-1], "|") {
		n--
	}
	return n
}

func TestMarkdownReportsEscapeUserText(t *testing.T) {
	for i := range hostile {
		s := hostileSummary(t, i)
		var buf bytes.Buffer
		if err := Markdown(&buf, s); err != nil {
			t.Fatal(err)
		}
		checkMarkdown(t, buf.String())
		if !strings.Contains(buf.String(), "&lt;img src=x onerror=alert(1)&gt;") {
			t.Fatalf("a name is missing or not written as text:\n%s", buf.String())
		}

		var sums []*aggregate.Summary
		for k := range 2 {
			c := reportfixture.Craft(reportfixture.Base())
			c.Run.Pool, c.Run.Scenario, c.Run.ID = hostile[(i+k)%len(hostile)], hostile[(i+k+1)%len(hostile)], hostile[(i+k+2)%len(hostile)]
			c.Breakdown.TokenPools[0].Name = hostile[(i+k+3)%len(hostile)]
			sums = append(sums, c)
		}
		cmp, err := compare.Runs(sums, compare.Options{Rules: []compare.Rule{mustRule(t, "p99>+10%")}})
		if err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		if err := ComparisonMarkdown(&buf, cmp); err != nil {
			t.Fatal(err)
		}
		checkMarkdown(t, buf.String())
	}
}

func TestFidelityMarkdownEscapesUserText(t *testing.T) {
	rep := fixtureFidelity(t)
	rep.Real.Label, rep.Mock.Label = hostile[0], hostile[2]
	rep.Real.Scenario, rep.Mock.Target, rep.Real.Pool = hostile[1], hostile[5], hostile[6]
	rep.Notes = append(rep.Notes, hostile[3])
	var buf bytes.Buffer
	if err := FidelityMarkdown(&buf, rep); err != nil {
		t.Fatal(err)
	}
	checkMarkdown(t, buf.String())
}

// The HTML page writes user text as text: no element, attribute or script
// comes from a name, and the embedded JSON cannot close its script.
func TestHTMLReportEscapesUserText(t *testing.T) {
	for i := range hostile {
		var buf bytes.Buffer
		if err := HTML(&buf, hostileSummary(t, i)); err != nil {
			t.Fatal(err)
		}
		page := buf.String()
		for _, bad := range []string{"<img src=x", "<script>alert", "</script><script>", "<!-- comment -->"} {
			if n := strings.Count(page, bad); n > 0 {
				t.Errorf("%q appears %d times in the page", bad, n)
			}
		}
	}
}
