package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cogload/cogload/internal/junit"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/cogload/cogload/mock/evidence"
	"github.com/cogload/cogload/mock/sidedoor"
)

// byArea groups results by area in report order.
func byArea(results []Result) [][]Result {
	idx := map[Area]int{}
	for i, a := range Areas() {
		idx[a] = i
	}
	groups := make([][]Result, len(Areas()))
	for _, r := range results {
		groups[idx[r.Area]] = append(groups[idx[r.Area]], r)
	}
	return groups
}

// WriteTable renders the report: one table per area (pass / fail / skip per
// case; for a failure, expected vs actual on one line; for a skip, the
// reason), then the totals.
func (r *Report) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "conformance of %s (status codes: %s)\n\n", r.Target, r.StatusMode)
	for _, group := range byArea(r.Results) {
		if len(group) == 0 {
			continue
		}
		var pass, fail, skip, unanswered int
		for _, res := range group {
			switch res.Verdict {
			case Pass:
				pass++
			case Fail:
				fail++
			case Unanswered:
				unanswered++
			default:
				skip++
			}
		}
		fmt.Fprintf(w, "%s: %d pass, %d fail, %d skip", group[0].Area, pass, fail, skip)
		if unanswered > 0 {
			fmt.Fprintf(w, ", %d unanswered", unanswered)
		}
		fmt.Fprintln(w)
		// Rows stay on one line, so a failure's expected vs actual stays
		// greppable.
		t := textfmt.Table{Header: []string{"Case", "Result", "Detail"}}
		for _, res := range group {
			detail := ""
			switch res.Verdict {
			case Fail:
				detail = fmt.Sprintf("expected %s; got %s (%s)", res.Expected, res.Actual, res.Reason)
			case Skip, Unanswered:
				detail = res.Reason
			}
			t.Rows = append(t.Rows, []string{res.ID, strings.ToUpper(res.Verdict), oneLine(detail)})
		}
		if err := t.Write(w); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	verdict := "CONFORMS"
	switch {
	case !r.Reached():
		verdict = fmt.Sprintf("NOT JUDGED: the target did not answer %d cases", r.Unanswered)
	case !r.OK():
		verdict = "DOES NOT CONFORM"
	case r.Interrupted:
		verdict = "INTERRUPTED: not every case ran"
	}
	unanswered := ""
	if r.Unanswered > 0 {
		unanswered = fmt.Sprintf(", %d unanswered", r.Unanswered)
	}
	_, err := fmt.Fprintf(w, "%d passed, %d failed%s, %d skipped: %s\n", r.Passed, r.Failed, unanswered, r.Skipped, verdict)
	return err
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteJUnit writes one testsuite per area and one testcase per case;
// skipped cases carry <skipped message=reason>.
func (r *Report) WriteJUnit(w io.Writer) error {
	out := junit.Suites{Name: "cogload conform " + r.Target}
	for _, group := range byArea(r.Results) {
		if len(group) == 0 {
			continue
		}
		s := junit.Suite{Name: "conformance." + string(group[0].Area)}
		var secs float64
		for _, res := range group {
			c := junit.Case{Name: res.ID, Classname: "conformance." + string(res.Area), Time: fmt.Sprintf("%.3f", res.Duration.Seconds())}
			secs += res.Duration.Seconds()
			switch res.Verdict {
			case Fail:
				c.Failure = &junit.Failure{Message: res.Reason, Type: "nonconformance",
					Text: fmt.Sprintf("rule: %s\nsource: %s\nexpected: %s\nactual: %s\n", res.Rule, res.Source, res.Expected, res.Actual)}
			case Unanswered:
				// Not a nonconformance, but never a green report.
				c.Failure = &junit.Failure{Message: res.Reason, Type: "unanswered", Text: fmt.Sprintf("rule: %s\nexpected: %s\n%s\n", res.Rule, res.Expected, res.Reason)}
			case Skip:
				c.Skipped = &junit.Skipped{Message: res.Reason}
			}
			s.Cases = append(s.Cases, c)
		}
		s.Time = fmt.Sprintf("%.3f", secs)
		out.Suites = append(out.Suites, s)
	}
	if r.Interrupted {
		// A CI test report must not read as conforming when cases never ran.
		notRun := 0
		for _, res := range r.Results {
			if res.Verdict == Skip && res.Reason == reasonInterrupted {
				notRun++
			}
		}
		out.Suites = append(out.Suites, junit.Suite{Name: "conformance.run", Time: "0",
			Cases: []junit.Case{{Name: "catalog ran to the end", Classname: "conformance.run", Time: "0",
				Failure: &junit.Failure{Message: "the run was interrupted", Type: "interrupted",
					Text: fmt.Sprintf("interrupted: %d of %d selected cases did not run", notRun, len(r.Results))}}}})
	}
	return junit.Write(w, out)
}

// WriteList prints the catalog: id, area, rule, needs, the evidence level
// of what the case checks with its ids in docs/fidelity.md, and the open
// question where the real behaviour is uncertain; then the cases per
// evidence level.
func WriteList(w io.Writer, cases []Case) error {
	t := textfmt.Table{Header: []string{"Case", "Area", "Rule", "Needs", "Evidence"}, Wrap: map[int]int{2: 60, 4: 40}}
	for _, c := range cases {
		needs := make([]string, 0, len(c.Needs))
		for _, n := range c.Needs {
			needs = append(needs, string(n))
		}
		sort.Strings(needs)
		rule := c.Rule
		if c.Uncertain != "" {
			rule += " [uncertain: " + c.Uncertain + "]"
		}
		nd := strings.Join(needs, ", ")
		if nd == "" {
			nd = "-"
		}
		t.Rows = append(t.Rows, []string{c.ID, string(c.Area), rule, nd, string(c.Evidence()) + " (" + strings.Join(c.Checks, ", ") + ")"})
	}
	if err := t.Write(w); err != nil {
		return err
	}
	count := map[evidence.Level]int{}
	for _, c := range cases {
		count[c.Evidence()]++
	}
	var parts []string
	for _, l := range evidence.Levels() {
		parts = append(parts, fmt.Sprintf("%d %s", count[l], l))
	}
	_, err := fmt.Fprintf(w, "%d cases: %s (sources: docs/fidelity.md)\n", len(cases), strings.Join(parts, ", "))
	return err
}

// MockTarget describes the mock from what it reports about the pools it
// serves: its main pool with every capability of the mock, and a pool per
// role.
func MockTarget(main sidedoor.Info, roles map[string]sidedoor.Info) *Target {
	t := &Target{
		Name: "mock", Endpoint: main.Endpoint, Region: main.Region,
		Pool:         Pool{UserPoolID: main.UserPoolID, ClientID: main.ClientID, Users: main.Users},
		StatusMode:   "observed",
		Capabilities: []Capability{CapMock, CapOutbox, CapAdmin},
		Pools:        map[string]Pool{},
	}
	for role, in := range roles {
		t.Pools[role] = Pool{Endpoint: in.Endpoint, UserPoolID: in.UserPoolID, ClientID: in.ClientID, Users: in.Users}
	}
	return t
}

// CaseInfo is a case as --list --json shows it.
type CaseInfo struct {
	CaseHeader
	// Sources are the public sources of what the case checks, one each.
	Sources  []string `json:"sources"`
	Needs    []Need   `json:"needs"`
	Requests string   `json:"requests"`
	Expected string   `json:"expected"`
	Accepts  []string `json:"acceptsErrorTypes,omitempty"`
}

// Describe lists cases with their requests and the outcome expected under
// status mode (observed, model or either).
func Describe(cases []Case, mode string) []CaseInfo {
	out := make([]CaseInfo, 0, len(cases))
	for _, c := range cases {
		needs := c.Needs
		if needs == nil {
			needs = []Need{}
		}
		out = append(out, CaseInfo{CaseHeader: c.header(), Sources: c.Sources(), Needs: needs,
			Requests: c.Requests, Expected: c.Expect.Describe(mode), Accepts: c.Expect.types()})
	}
	return out
}
