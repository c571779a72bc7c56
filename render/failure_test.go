package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/reportfixture"
	"github.com/cogload/cogload/internal/textfmt"
)

// TestFailedRunInEveryFormat: a run that never reached its target says
// so, with the reason, in every report format, although its thresholds
// (none here) would pass it.
func TestFailedRunInEveryFormat(t *testing.T) {
	s := reportfixture.Lossy(t, domain.OutcomeConnRefused, 1)
	const reason = "the target never answered: all 300 requests failed (conn_refused 300)"
	for _, tc := range []struct{ format, want string }{
		{"text", "RUN FAILED (exit status 1): " + reason},
		{"markdown", "> **Run failed (exit status 1):** " + textfmt.MarkdownEscape(reason)}, // conn\_refused
		{"json", `"failure": "` + reason},
		{"junit", `<failure message="the run did not measure its target" type="reliability">` + reason},
		{"html", reason},
	} {
		var buf bytes.Buffer
		if err := Write(&buf, tc.format, s); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), tc.want) {
			t.Errorf("%s report lacks %q:\n%s", tc.format, tc.want, buf.String())
		}
	}
	// A run that measured its target says nothing of the kind.
	ok := reportfixture.Summary(t)
	for _, format := range []string{"text", "markdown"} {
		var buf bytes.Buffer
		if err := Write(&buf, format, ok); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(buf.String()), "run failed") {
			t.Errorf("%s report of a run that reached its target says it failed", format)
		}
	}
}

// TestUnsentAndSkippedReasons: requests the generator could not send get
// their own line and advice, never the target's errors; a stage's skipped
// hits say why.
func TestUnsentAndSkippedReasons(t *testing.T) {
	s := reportfixture.Lossy(t, domain.OutcomeGeneratorLimit, 20, "outcome_rate{code=generator_limit} < 10%")
	s.Schedule[1].Skipped, s.Schedule[1].SkippedInFlight, s.Schedule[1].SkippedLate = 30, 20, 4
	var buf bytes.Buffer
	if err := Text(&buf, s); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"not sent (generator limit)", "15 requests were never sent (outcome generator_limit): they are not errors of the target",
		"raise the limit (ulimit -n", "30 (20 at the in-flight cap, 4 due at the stage's end)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	var back struct {
		Totals struct {
			Unsent uint64 `json:"unsent"`
			Errors uint64 `json:"errors"`
		} `json:"totals"`
	}
	buf.Reset()
	if err := JSON(&buf, s); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil || back.Totals.Unsent != 15 {
		t.Errorf("json totals %+v, %v", back.Totals, err)
	}
}
