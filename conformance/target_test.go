package conformance

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/internal/input"
	"github.com/cogload/cogload/internal/junit"
	"github.com/cogload/cogload/mock"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		name, in, err string
	}{
		{"yaml", "region: eu-central-1\nuserPoolId: eu-central-1_abc\nclientId: c1\nusers:\n  - {username: a, password: p, email: a@example.com}\ncapabilities: [admin]\npools:\n  trigger: {userPoolId: eu-central-1_t, clientId: c2, users: [{username: b, password: q}]}\n", ""},
		{"json", `{"endpoint":"http://127.0.0.1:9229","userPoolId":"us-east-1_x","clientId":"c","users":[{"username":"a","password":"p","phone_number":"+15555550100"}]}`, ""},
		{"unknown field", "region: eu-central-1\nuserPoolId: p\nclientId: c\nsurprise: 1\n", "target.yaml:4:1: unknown field"},
		{"no endpoint", "userPoolId: p\nclientId: c\n", "endpoint: set an endpoint URL or a region"},
		{"no pool", "region: us-east-1\nclientId: c\n", "userPoolId: required"},
		{"user without password", "region: us-east-1\nuserPoolId: p\nclientId: c\nusers: [{username: a}]\n", "users[0].password"},
		{"bad role pool", "region: us-east-1\nuserPoolId: p\nclientId: c\npools: {trigger: {clientId: c}}\n", "pools.trigger.userPoolId"},
		{"bad capability", "region: us-east-1\nuserPoolId: p\nclientId: c\ncapabilities: [root]\n", "unknown capability"},
		{"bad status mode", "region: us-east-1\nuserPoolId: p\nclientId: c\nstatusMode: loud\n", "statusMode"},
		{"not yaml", "region: [\n", "target.yaml"},
		{"endpoint with a password", "endpoint: \"https://admin:S3cret-pw@cognito.example\"\nuserPoolId: p\nclientId: c\n", "target.yaml:1:11: endpoint: https://cognito.example: the endpoint must not carry"},
		{"endpoint with a query", "endpoint: \"https://cognito.example/?key=S3cret-pw\"\nuserPoolId: p\nclientId: c\n", "must not carry a user, password, query or fragment"},
		{"role pool endpoint with a user", "region: us-east-1\nuserPoolId: p\nclientId: c\npools: {trigger: {endpoint: \"http://S3cret-pw@127.0.0.1:1\", userPoolId: p, clientId: c}}\n", "pools.trigger.endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg, err := ParseTarget("target.yaml", []byte(tt.in))
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(tg.Users) != 1 || tg.Users[0].Password == "" {
					t.Errorf("users = %#v", tg.Users)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want it to mention %q", err, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), "S3cret-pw") {
				t.Errorf("error %v quotes a secret", err)
			}
		})
	}
}

func TestParseTargetPositionsErrors(t *testing.T) {
	_, err := ParseTarget("t.yaml", []byte("region: us-east-1\nuserPoolId: p\nclientId: c\nsurprise: 1\n"))
	if err == nil || !strings.Contains(err.Error(), "4:1") {
		t.Errorf("error %v lacks line:col 4:1", err)
	}
}

func TestUserNeverPrintsPassword(t *testing.T) {
	u := domain.Credential{Username: "alice", Password: "s3cret!"}
	for _, s := range []string{u.String(), u.GoString()} {
		if strings.Contains(s, "s3cret") {
			t.Errorf("%q shows the password", s)
		}
	}
}

// FuzzParseTarget: a target file is decoded or refused with an
// *input.Error at a line and column, never a panic, and no error quotes a
// password. The seed corpus (testdata/fuzz/FuzzParseTarget) holds inputs
// that crashed or stalled go-yaml; seeds carry the marker S3CRET where
// passwords and keys go, and the fuzzer moves it around.
func FuzzParseTarget(f *testing.F) {
	f.Add([]byte("region: us-east-1\nuserPoolId: p\nclientId: c\n"))
	f.Add([]byte(`{"endpoint":"http://x","userPoolId":"p","clientId":"c","pools":{"trigger":{"userPoolId":"q","clientId":"d"}}}`))
	f.Add([]byte("users: [{username: a, password: b}]\n"))
	f.Add([]byte("region: us-east-1\nuserPoolId: p\nclientId: c\nusers: [{username: a, password: S3CRET}]\n"))
	f.Add([]byte("region: us-east-1\nuserPoolId: p\nclientId: c\nusers: [{username: a, S3CRET: b}]\n"))
	f.Add([]byte("region: us-east-1\nuserPoolId: p\nclientId: c\nusers: [{username: a, password: [S3CRET]}]\n"))
	f.Add(bytes.Repeat([]byte("["), 200_000))
	f.Fuzz(func(t *testing.T, data []byte) {
		tg, err := ParseTarget("fuzz.yaml", data)
		if err == nil {
			if verr := tg.Validate(); verr != nil {
				t.Fatalf("parsed target does not validate: %v", verr)
			}
			return
		}
		if perr := input.CheckPositioned(err, "fuzz.yaml"); perr != nil {
			t.Fatal(perr)
		}
		if bytes.Contains(data, []byte("S3CRET")) && strings.Contains(err.Error(), "S3CRET") {
			t.Fatalf("error quotes the file: %v", err)
		}
	})
}

// A target that offers less than the mock skips, with reasons, exactly the
// cases needing what it lacks, and passes the rest.
func TestUnmetNeedsSkip(t *testing.T) {
	// Without the mock's reset between cases nothing refills the quotas
	// under the fixed clock, so limits are off and the limit cases left out.
	full := startMock(t, nil, mock.WithNoLimits())
	plain := *full
	plain.Capabilities = nil
	plain.Pools = nil
	rep := runAll(t, &plain, `^([^ls]|s[^d]|l[^i])`)
	if rep.Failed != 0 {
		for _, r := range rep.Results {
			if r.Verdict == Fail {
				t.Errorf("%s failed on a plain target: %s (%s)", r.ID, r.Actual, r.Reason)
			}
		}
	}
	cases := map[string]Case{}
	for _, c := range Catalog() {
		cases[c.ID] = c
	}
	for _, r := range rep.Results {
		c := cases[r.ID]
		needsMore := false
		for _, n := range c.Needs {
			needsMore = needsMore || n != NeedTokens
		}
		// Cases that find a suitable user by changing one through the side
		// door may also skip.
		if needsMore && r.Verdict != Skip {
			t.Errorf("%s ran although it needs %v", r.ID, c.Needs)
		}
		if r.Verdict == Skip && r.Reason == "" {
			t.Errorf("%s skipped without a reason", r.ID)
		}
	}
	if rep.Skipped == 0 || rep.Passed < 30 {
		t.Errorf("plain target: %d passed, %d skipped", rep.Passed, rep.Skipped)
	}
}

// The mock in model status mode passes when the catalog expects model
// statuses, and fails the status checks when it expects observed ones.
func TestStatusModes(t *testing.T) {
	cfg, err := mock.Builtin("email-default")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mock.New(cfg, mock.WithSleep(noSleep), mock.WithClock(fixedClock()), mock.WithStatusMode(cognito.StatusModel))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	target := MockTarget(srv.Info(ts.URL), nil)
	filter := `^(auth\.(garbage|expired)|user-state\.deleted|input\.attribute-name-33)$`
	for mode, wantFail := range map[string]int{"model": 0, "either": 0, "observed": 3} {
		target.StatusMode = mode
		rep, err := Run(context.Background(), target, Options{Run: mustRE(t, filter), Clock: fixedClock()})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Failed != wantFail || rep.Passed+rep.Failed != 4 {
			t.Errorf("mode %s: %d passed, %d failed, want %d failed of 4", mode, rep.Passed, rep.Failed, wantFail)
		}
	}
}

func TestInterruptSkipsTheRest(t *testing.T) {
	target := startMock(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	rep, err := Run(ctx, target, Options{Clock: fixedClock(), Progress: func(Result) {
		n++
		if n == 3 {
			cancel()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Passed != 3 || rep.Failed != 0 || rep.Skipped != len(Catalog())-3 {
		t.Errorf("%d passed, %d failed, %d skipped; want 3 passed, the rest skipped", rep.Passed, rep.Failed, rep.Skipped)
	}
	if last := rep.Results[len(rep.Results)-1]; last.Reason != "interrupted" {
		t.Errorf("last case: %s %q", last.Verdict, last.Reason)
	}
	// No output reads as if the target conformed.
	var table, xmlOut, js bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJUnit(&xmlOut); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(table.String(), "CONFORMS") && !strings.Contains(table.String(), "INTERRUPTED") {
		t.Errorf("the table of an interrupted run says it conforms:\n%s", table.String())
	}
	var suites junit.Suites
	if err := xml.Unmarshal(xmlOut.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	if suites.Failures == 0 || !strings.Contains(xmlOut.String(), "interrupted") {
		t.Errorf("the JUnit report of an interrupted run has %d failures:\n%s", suites.Failures, xmlOut.String())
	}
	if !strings.Contains(js.String(), `"interrupted": true`) {
		t.Errorf("the JSON report does not say the run was interrupted")
	}
}
