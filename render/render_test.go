package render

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/golden"
	"github.com/cogload/cogload/internal/junit"
	"github.com/cogload/cogload/internal/reportfixture"
)

func TestRenderGolden(t *testing.T) {
	s := reportfixture.Summary(t)
	for _, tc := range []struct {
		format, file string
	}{
		{"text", "fixture.txt"},
		{"markdown", "fixture.md"},
		{"json", "fixture.json"},
		{"junit", "fixture.junit.xml"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tc.format, s); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, tc.file, buf.Bytes())
		})
	}
}

func TestRenderTextContent(t *testing.T) {
	s := reportfixture.Summary(t)
	var buf bytes.Buffer
	if err := Text(&buf, s); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// Thresholds come first, with marks and observed values.
	th := strings.Index(out, "Thresholds")
	tot := strings.Index(out, "Totals")
	if th < 0 || tot < 0 || th > tot {
		t.Fatalf("thresholds block missing or after totals:\n%s", out)
	}
	for _, want := range []string{"✓", "✗", "no token pool named \"nosuch\"", "InternalErrorException", "tampered"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q", want)
		}
	}
	if strings.Contains(out, "behind schedule") {
		t.Errorf("on-schedule run mentions falling behind")
	}
	s.Totals.BehindSchedule, s.Totals.BehindNote = true, "the attacker fell behind schedule: test"
	buf.Reset()
	if err := Text(&buf, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "WARNING: the attacker fell behind schedule") {
		t.Errorf("behind-schedule line missing")
	}
}

func TestRenderMarkdownEscapesPipes(t *testing.T) {
	s := reportfixture.Summary(t)
	s.Thresholds[0].Note = "a | b"
	var buf bytes.Buffer
	if err := Markdown(&buf, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `a \| b`) {
		t.Errorf("pipe not escaped in markdown")
	}
	buf.Reset()
	if err := Text(&buf, s); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `\|`) {
		t.Errorf("text output escaped a pipe")
	}
}

// renderJUnit renders s as JUnit XML and reads it back.
func renderJUnit(t *testing.T, s *aggregate.Summary) (junit.Suites, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := JUnit(&buf, s); err != nil {
		t.Fatal(err)
	}
	var suites junit.Suites
	if err := xml.Unmarshal(buf.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	return suites, buf.String()
}

func TestRenderJUnitStructure(t *testing.T) {
	s := reportfixture.Summary(t)
	suites, _ := renderJUnit(t, s)
	if len(suites.Suites) != 3 {
		t.Fatalf("suites = %d", len(suites.Suites))
	}
	run, th, ex := suites.Suites[0], suites.Suites[1], suites.Suites[2]
	if run.Tests != 2 || run.Failures != 0 {
		t.Errorf("run suite = %d tests, %d failures; want 2, 0 (the run measured its target and completed; its failures have their own cases)", run.Tests, run.Failures)
	}
	if th.Tests != len(s.Thresholds) || ex.Tests != len(s.Variants) {
		t.Errorf("tests = %d/%d, want %d/%d", th.Tests, ex.Tests, len(s.Thresholds), len(s.Variants))
	}
	failedTh := 0
	for _, r := range s.Thresholds {
		if !r.Pass {
			failedTh++
		}
	}
	if th.Failures != failedTh || failedTh == 0 {
		t.Errorf("threshold failures = %d, want %d (>0)", th.Failures, failedTh)
	}
	// Tampered variants got accepted tokens: 4 expectation groups fail.
	if ex.Failures != 4 {
		t.Errorf("expectation failures = %d, want 4", ex.Failures)
	}
	for _, c := range ex.Cases {
		if strings.Contains(c.Name, "token_pool=tampered") != (c.Failure != nil) {
			t.Errorf("case %q failure = %v", c.Name, c.Failure)
		}
	}
}

// A variant that got no requests is a skipped case, counted in its suite
// and in the root.
func TestRenderJUnitCountsSkippedVariants(t *testing.T) {
	s := reportfixture.Summary(t)
	s.Variants[0].Requests, s.Variants[0].Violations = 0, 0
	suites, text := renderJUnit(t, s)
	if ex := suites.Suites[2]; ex.Skipped != 1 || suites.Skipped != 1 {
		t.Errorf("skipped = %d in expectations, %d in the root; want 1, 1:\n%s", ex.Skipped, suites.Skipped, text)
	}
}

// A run that did not finish, or exited non-zero for a reason no threshold
// or expectation shows, fails the JUnit report: CI must not show green.
func TestRenderJUnitNeverHidesAFailedRun(t *testing.T) {
	clean := func(t *testing.T) *aggregate.Summary {
		a := aggregate.NewAggregator(reportfixture.Plan(), reportfixture.Start)
		for _, smp := range reportfixture.Samples(reportfixture.Plan()) {
			if smp.Verdict == domain.VerdictViolation {
				continue
			}
			a.Add(smp)
		}
		s, err := a.Summary(aggregate.RunMeta{Scenario: "fixture", End: reportfixture.Start.Add(21 * time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		s.Run.ExitStatus = s.Status()
		return s
	}
	for _, tc := range []struct {
		name     string
		mutate   func(*aggregate.Summary)
		failures int
		want     string
	}{
		{"completed", func(*aggregate.Summary) {}, 0, ""},
		{"interrupted", func(s *aggregate.Summary) { s.Run.Interrupted, s.Run.ExitStatus = true, domain.ExitInterrupted }, 1, "interrupted"},
		{"interrupted before any request", func(s *aggregate.Summary) {
			*s = *emptySummary(t)
		}, 1, "interrupted"},
		{"exit status no case explains", func(s *aggregate.Summary) { s.Run.ExitStatus = domain.ExitThresholds }, 1, "exit status 99"},
		{"behind schedule and failing", func(s *aggregate.Summary) {
			s.Run.ExitStatus = domain.ExitThresholds
			s.Totals.BehindSchedule, s.Totals.BehindNote = true, "sent 60% of the planned requests"
		}, 1, "sent 60% of the planned requests"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := clean(t)
			tc.mutate(s)
			suites, text := renderJUnit(t, s)
			if suites.Failures != tc.failures {
				t.Fatalf("failures = %d, want %d:\n%s", suites.Failures, tc.failures, text)
			}
			if tc.want != "" && !strings.Contains(text, tc.want) {
				t.Errorf("junit does not say %q:\n%s", tc.want, text)
			}
		})
	}
}

func emptySummary(t *testing.T) *aggregate.Summary {
	a := aggregate.NewAggregator(reportfixture.Plan(), reportfixture.Start)
	s, err := a.Summary(aggregate.RunMeta{Scenario: "fixture", Interrupted: true})
	if err != nil {
		t.Fatal(err)
	}
	s.Run.ExitStatus = s.Status()
	return s
}

func TestRenderUnknownFormat(t *testing.T) {
	err := Write(new(bytes.Buffer), "pdf", reportfixture.Summary(t))
	if err == nil || !strings.Contains(err.Error(), `unknown format "pdf"`) {
		t.Errorf("err = %v", err)
	}
}

func TestRenderEmptyRun(t *testing.T) {
	a := aggregate.NewAggregator(reportfixture.Plan(), reportfixture.Start)
	s, err := a.Summary(aggregate.RunMeta{Interrupted: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"text", "markdown", "json", "junit"} {
		var buf bytes.Buffer
		if err := Write(&buf, f, s); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
