package conformance

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/internal/golden"
	"github.com/google/go-cmp/cmp"
)

func sampleReport() *Report {
	return &Report{
		Target: "sample", StatusMode: "observed", Started: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC),
		Results: []Result{
			{CaseHeader: CaseHeader{ID: "protocol.request-id-success", Area: AreaProtocol, Rule: "r1", Source: "s1"}, Verdict: Pass, Expected: "200", Actual: "200", Duration: 2 * time.Millisecond},
			{CaseHeader: CaseHeader{ID: "auth.garbage", Area: AreaAuth, Rule: "r2 <&>", Source: "s2"}, Verdict: Fail, Expected: "400 NotAuthorizedException", Actual: `400 InvalidParameterException: "Invalid parameter"`, Reason: "wrong error type", Duration: time.Millisecond},
			{CaseHeader: CaseHeader{ID: "auth.expired", Area: AreaAuth, Rule: "r3", Source: "s3"}, Verdict: Skip, Reason: "needs mock side doors: not the mock"},
			{CaseHeader: CaseHeader{ID: "limits.request-rate", Area: AreaLimits, Rule: "r4", Source: "s4"}, Verdict: Pass},
		},
		Passed: 2, Failed: 1, Skipped: 1,
	}
}

func TestTableGolden(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "report.txt", b.Bytes())
}

func TestJUnitParsesBackWithTheRightCounts(t *testing.T) {
	for _, tc := range []struct {
		name string
		rep  func(t *testing.T) *Report
	}{
		{"sample", func(*testing.T) *Report { return sampleReport() }},
		{"mock run", func(t *testing.T) *Report { return runAll(t, startMock(t, nil), `^(auth|protocol)\.`) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := tc.rep(t)
			var b bytes.Buffer
			if err := rep.WriteJUnit(&b); err != nil {
				t.Fatal(err)
			}
			var doc struct {
				XMLName  xml.Name `xml:"testsuites"`
				Tests    int      `xml:"tests,attr"`
				Failures int      `xml:"failures,attr"`
				Skipped  int      `xml:"skipped,attr"`
				Suites   []struct {
					Tests    int `xml:"tests,attr"`
					Failures int `xml:"failures,attr"`
					Skipped  int `xml:"skipped,attr"`
					Cases    []struct {
						Name    string `xml:"name,attr"`
						Failure *struct {
							Message string `xml:"message,attr"`
						} `xml:"failure"`
						Skipped *struct {
							Message string `xml:"message,attr"`
						} `xml:"skipped"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatalf("junit is not valid XML: %v\n%s", err, b.String())
			}
			if doc.Tests != len(rep.Results) || doc.Failures != rep.Failed || doc.Skipped != rep.Skipped {
				t.Errorf("totals tests=%d failures=%d skipped=%d, want %d %d %d", doc.Tests, doc.Failures, doc.Skipped, len(rep.Results), rep.Failed, rep.Skipped)
			}
			byID := map[string]Result{}
			for _, r := range rep.Results {
				byID[r.ID] = r
			}
			n := 0
			for _, s := range doc.Suites {
				var f, sk int
				for _, c := range s.Cases {
					n++
					r, ok := byID[c.Name]
					if !ok {
						t.Errorf("testcase %s is not a case of the report", c.Name)
						continue
					}
					if (c.Failure != nil) != (r.Verdict == Fail) || (c.Skipped != nil) != (r.Verdict == Skip) {
						t.Errorf("%s: verdict %s but failure=%v skipped=%v", c.Name, r.Verdict, c.Failure != nil, c.Skipped != nil)
					}
					if c.Skipped != nil && c.Skipped.Message != r.Reason {
						t.Errorf("%s: skipped message %q, want %q", c.Name, c.Skipped.Message, r.Reason)
					}
					if c.Failure != nil {
						f++
					}
					if c.Skipped != nil {
						sk++
					}
				}
				if s.Tests != len(s.Cases) || s.Failures != f || s.Skipped != sk {
					t.Errorf("suite counts %d/%d/%d, cases say %d/%d/%d", s.Tests, s.Failures, s.Skipped, len(s.Cases), f, sk)
				}
			}
			if n != len(rep.Results) {
				t.Errorf("%d testcases, want %d", n, len(rep.Results))
			}
		})
	}
}

func TestJSONRoundTrips(t *testing.T) {
	var b bytes.Buffer
	rep := sampleReport()
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rep, &back); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
}

func TestListShowsEveryCase(t *testing.T) {
	var b bytes.Buffer
	cases := Catalog()
	if err := WriteList(&b, cases); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, c := range cases {
		if !strings.Contains(out, c.ID) {
			t.Errorf("list lacks %s", c.ID)
		}
	}
	if !strings.Contains(out, "[uncertain:") {
		t.Error("list does not mark uncertain cases")
	}
}

// tokenRE matches anything shaped like a JWT.
var tokenRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*`)

func TestNoSecretsInReports(t *testing.T) {
	target := startMock(t, nil)
	// Reports carry what each case saw, for passes as well as failures.
	rep := runAll(t, target, "")
	var b bytes.Buffer
	_ = rep.WriteJSON(&b)
	_ = rep.WriteTable(&b)
	_ = rep.WriteJUnit(&b)
	out := b.String()
	for _, u := range target.Users {
		if strings.Contains(out, u.Password) {
			t.Errorf("report contains the password of %s", u.Username)
		}
	}
	if tokenRE.MatchString(out) {
		t.Errorf("report contains a token: %s", tokenRE.FindString(out))
	}
}
