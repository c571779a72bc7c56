package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/internal/mocktest"
	"github.com/cogload/cogload/mock"
	"github.com/cogload/cogload/scenarios"
	"github.com/cogload/cogload/users"
)

// realPool serves a mock on loopback, standing in for a team's pool
// reached through its endpoint: nothing in the commands below knows it is
// a mock.
type realPool struct {
	t      *testing.T
	url    string
	poolID string
	client string
	admin  *idpclient.Client
}

func serveRealPool(t *testing.T, mutate func(*mock.Config)) *realPool {
	t.Helper()
	cfg, err := mock.Builtin("email-ses")
	if err != nil {
		t.Fatal(err)
	}
	// No delivery failures, so the gate's error thresholds judge the
	// round trip rather than the dice; short latencies keep it quick.
	cfg.Delivery.Email.FailureRate, cfg.Delivery.SMS.FailureRate = 0, 0
	cfg.Latency = mock.LatencyConfig{P50: 5 * time.Millisecond, P99: 20 * time.Millisecond}
	// The admin categories raised as if by AWS support, so 1,000 users are
	// made and removed in seconds; a real pool runs at the default --rate.
	cfg.Quotas.Categories = map[string]float64{cognito.CategoryUserCreation: 5000, cognito.CategoryUserAccountRecovery: 5000,
		cognito.CategoryUserUpdate: 5000, cognito.CategoryUserAuthentication: 5000, cognito.CategoryUserList: 1000}
	if mutate != nil {
		mutate(cfg)
	}
	srv, err := mock.New(cfg, mock.WithSeed(11))
	if err != nil {
		t.Fatal(err)
	}
	l, err := mock.Listen("127.0.0.1:0", srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	info := srv.Info(l.URL)
	return &realPool{t: t, url: l.URL, poolID: info.UserPoolID, client: info.ClientID,
		admin: idpclient.New(idpclient.Config{Endpoint: l.URL, Region: info.Region})}
}

// usernames lists the pool's users through the API.
func (p *realPool) usernames() []string { return mocktest.Usernames(p.t, p.admin, p.poolID) }

// transcript keeps every command and its output, for the secret scan
// and to show the round trip.
type transcript struct {
	t   *testing.T
	out bytes.Buffer
}

// newTranscript logs the commands at the end of the test when
// COGLOAD_SHOW_ROUND_TRIP is set.
func newTranscript(t *testing.T) *transcript {
	tr := &transcript{t: t}
	t.Cleanup(func() {
		if os.Getenv("COGLOAD_SHOW_ROUND_TRIP") != "" {
			t.Logf("commands:\n%s", tr.out.String())
		}
	})
	return tr
}

func (tr *transcript) cogload(ctx context.Context, want domain.ExitCode, args ...string) (string, string) {
	tr.t.Helper()
	var out, errb bytes.Buffer
	start := time.Now()
	code := Main(ctx, args, Stdio{Out: &out, Err: &errb, Env: testAWSEnv})
	fmt.Fprintf(&tr.out, "$ cogload %s\n%s%s(exit %d, %s)\n\n", strings.Join(args, " "), errb.String(), out.String(), code, time.Since(start).Round(100*time.Millisecond))
	if code != want {
		tr.t.Fatalf("cogload %s: exit %d, want %d\n%s\n%s", strings.Join(args, " "), code, want, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

func readPasswords(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var pws []string
	for _, r := range recs[1:] {
		pws = append(pws, r[1])
	}
	return pws
}

var jwtShaped = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.`)

// noSecretsOutside fails when a password or anything token-shaped is in
// the transcript or in any file under dir but the users file.
func noSecretsOutside(t *testing.T, usersFile, dir string, passwords []string, texts ...string) {
	t.Helper()
	check := func(where, s string) {
		for _, pw := range passwords {
			if strings.Contains(s, pw) {
				t.Errorf("a password appears in %s", where)
				return
			}
		}
		if jwtShaped.MatchString(s) {
			t.Errorf("a token appears in %s", where)
		}
	}
	for i, s := range texts {
		check(fmt.Sprintf("output %d", i), s)
	}
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == usersFile {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		check(path, string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 3 {
		t.Errorf("scanned %d files: the archive is missing", files)
	}
}

// The real-pool path end to end, through the CLI: create 1,000 users,
// check the pool, run release-gate on them as on any endpoint, list and
// delete them; the pool is left as it was and no secret leaves the users
// file.
func TestRealPoolRoundTrip(t *testing.T) {
	pool := serveRealPool(t, nil)
	before := pool.usernames()
	dir := t.TempDir()
	usersCSV, manifest, results := filepath.Join(dir, "users.csv"), filepath.Join(dir, "users.manifest.json"), filepath.Join(dir, "results")
	if err := os.Mkdir(results, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tr := newTranscript(t)

	created, _ := tr.cogload(ctx, domain.ExitOK, "users", "create", "--count", "1000", "--endpoint", pool.url, "--user-pool-id", pool.poolID,
		"--client-id", pool.client, "--out", usersCSV, "--manifest", manifest, "--rate", "1000", "--concurrency", "16")
	if !strings.Contains(created, "1000 users ready") {
		t.Fatalf("create said:\n%s", created)
	}
	if fi, err := os.Stat(usersCSV); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("users file: %v %v", err, fi.Mode())
	}
	passwords := readPasswords(t, usersCSV)
	if len(passwords) != 1000 || len(pool.usernames()) != len(before)+1000 {
		t.Fatalf("%d passwords, %d users added", len(passwords), len(pool.usernames())-len(before))
	}

	checked, _ := tr.cogload(ctx, domain.ExitOK, "validate", "release-gate", "--check-target", "--manifest", manifest)
	for _, want := range []string{"Pre-flight check of pool " + pool.poolID, "Amazon SES sends", "ClientMetadata variants empty, fixed, large have no effect", "1000 users for 934 tokens"} {
		if !strings.Contains(checked, want) {
			t.Errorf("validate --check-target lacks %q:\n%s", want, checked)
		}
	}

	runOut, runErr := tr.cogload(ctx, domain.ExitOK, "run", "release-gate", "--manifest", manifest, "--duration", "6s", "--out", results, "--check-target")
	for _, want := range []string{"token pool expired left out", "check: warning: trigger", "checks passed"} {
		if !strings.Contains(runErr, want) {
			t.Errorf("run's log lacks %q:\n%s", want, runErr)
		}
	}

	listed, _ := tr.cogload(ctx, domain.ExitOK, "users", "list", "--manifest", manifest)
	if !strings.Contains(listed, "1000 users of "+manifest) || !strings.Contains(listed, "1000 CONFIRMED") {
		t.Errorf("list:\n%.600s", listed[max(0, len(listed)-600):])
	}
	deleted, _ := tr.cogload(ctx, domain.ExitOK, "users", "delete", "--manifest", manifest, "--rate", "1000", "--concurrency", "16")
	if !strings.Contains(deleted, "1000 users deleted") {
		t.Errorf("delete:\n%s", deleted)
	}
	if after := pool.usernames(); !slices.Equal(after, before) {
		t.Errorf("the pool has %d users after the round trip, %d before", len(after), len(before))
	}
	noSecretsOutside(t, usersCSV, dir, passwords, tr.out.String(), runOut)
}

// An interrupted create leaves a manifest with which delete removes every
// user made, and nothing else.
func TestInterruptedCreateThenDelete(t *testing.T) {
	pool := serveRealPool(t, nil)
	before := pool.usernames()
	dir := t.TempDir()
	manifest := filepath.Join(dir, "m.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errw := &cancelOn{marker: "created 90 of 300", cancel: cancel}
	var out bytes.Buffer
	code := Main(ctx, []string{"users", "create", "--count", "300", "--endpoint", pool.url, "--user-pool-id", pool.poolID,
		"--out", filepath.Join(dir, "u.csv"), "--manifest", manifest, "--rate", "500", "--concurrency", "8"}, Stdio{Out: &out, Err: errw, Env: testAWSEnv})
	if code != domain.ExitInterrupted {
		t.Fatalf("exit %d, want 130\n%s\n%s", code, out.String(), errw.buf.String())
	}
	if added := len(pool.usernames()) - len(before); added < 90 || added >= 300 {
		t.Fatalf("%d users made before the interrupt", added)
	}
	if !strings.Contains(errw.buf.String(), "warning: --rate 500 users/s is above the account's default quotas") {
		t.Errorf("no warning for a rate past the UserCreation quota:\n%s", errw.buf.String())
	}
	tr := newTranscript(t)
	deleted, _ := tr.cogload(context.Background(), domain.ExitOK, "users", "delete", "--manifest", manifest, "--rate", "500")
	if !strings.Contains(deleted, "0 already gone") {
		t.Errorf("the manifest named users that were never created:\n%s", deleted)
	}
	if after := pool.usernames(); !slices.Equal(after, before) {
		t.Errorf("%d users left, %d before", len(after), len(before))
	}
}

// A pool whose users sign in with their email address: the users file
// holds the addresses, the run signs in with them, delete finds them.
func TestEmailUsernamePoolRoundTrip(t *testing.T) {
	pool := serveRealPool(t, func(c *mock.Config) {
		c.UsernameAttributes = []string{"email"}
		c.Users = mock.UsersConfig{}
	})
	dir := t.TempDir()
	usersCSV, manifest := filepath.Join(dir, "users.csv"), filepath.Join(dir, "m.json")
	tr := newTranscript(t)
	ctx := context.Background()
	tr.cogload(ctx, domain.ExitOK, "users", "create", "--count", "60", "--endpoint", pool.url, "--user-pool-id", pool.poolID, "--client-id", pool.client,
		"--out", usersCSV, "--manifest", manifest, "--rate", "500")
	m, err := users.LoadManifest(context.Background(), manifest)
	if err != nil {
		t.Fatal(err)
	}
	if m.SignIn != users.SignInEmail || !strings.HasSuffix(m.Users[0].Login, "@"+cognito.SESSimulator) || len(m.Users[0].Username) != 36 {
		t.Fatalf("manifest %+v", m.Users[0])
	}
	b, _ := os.ReadFile(usersCSV)
	if !strings.Contains(string(b), "\nsuccess+cogload-") {
		t.Errorf("users file does not sign in with addresses:\n%.200s", b)
	}
	checked, _ := tr.cogload(ctx, domain.ExitOK, "validate", "smoke", "--check-target", "--manifest", manifest)
	if !strings.Contains(checked, "users sign in with email") {
		t.Errorf("check:\n%s", checked)
	}
	tr.cogload(ctx, domain.ExitOK, "run", "smoke", "--manifest", manifest, "--duration", "2s", "--out", dir, "--quiet")
	tr.cogload(ctx, domain.ExitOK, "users", "delete", "--manifest", manifest, "--rate", "500")
	if left := pool.usernames(); len(left) != 0 {
		t.Errorf("%d users left", len(left))
	}
}

func TestUsersAndCheckRefusals(t *testing.T) {
	pool := serveRealPool(t, func(c *mock.Config) { c.Delivery.Email.SendingAccount = mock.SendingCognitoDefault })
	dir := t.TempDir()
	usersCSV := filepath.Join(dir, "users.csv")
	if err := os.WriteFile(usersCSV, []byte("username,password\nuser00001,Passw0rd!\nuser00002,Passw0rd!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	endpoint := []string{"--endpoint", pool.url, "--user-pool-id", pool.poolID, "--client-id", pool.client, "--users", usersCSV}
	for _, tc := range []struct {
		name string
		args []string
		code domain.ExitCode
		want string
	}{
		{"users without a subcommand", []string{"users"}, domain.ExitUsage, "create|list|delete"},
		{"unknown subcommand", []string{"users", "purge"}, domain.ExitUsage, `unknown subcommand "purge"`},
		{"create without a pool", []string{"users", "create", "--count", "3"}, domain.ExitUsage, "--user-pool-id is required"},
		{"create without a count", []string{"users", "create", "--user-pool-id", pool.poolID}, domain.ExitUsage, "--count 0"},
		{"create into a missing folder", []string{"users", "create", "--count", "1", "--user-pool-id", pool.poolID, "--out", filepath.Join(dir, "no", "u.csv")}, domain.ExitUsage, "--out"},
		{"delete without a manifest", []string{"users", "delete", "--manifest", filepath.Join(dir, "none.json")}, domain.ExitUsage, "--manifest"},
		{"check of the mock", []string{"validate", "smoke", "--check-target"}, domain.ExitUsage, "targets the embedded mock"},
		{"check of a pool the plan cannot run on", append([]string{"validate", "release-gate", "--check-target"}, endpoint...), domain.ExitUsage, "allows 50 emails a day"},
		{"run refused before sending", append([]string{"run", "release-gate", "--out", dir, "--check-target"}, endpoint...), domain.ExitUsage, "the pool cannot run this plan"},
		{"both check flags", []string{"run", "smoke", "--check-target", "--no-check-target"}, domain.ExitUsage, "exclude each other"},
		{"a missing pool", []string{"validate", "smoke", "--check-target", "--endpoint", pool.url, "--user-pool-id", "us-east-1_Missing1", "--client-id", "c", "--users", usersCSV}, domain.ExitUsage, "does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), tc.args, Stdio{Out: &out, Err: &errb, Env: testAWSEnv})
			if code != tc.code || !strings.Contains(out.String()+errb.String(), tc.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s\n%s", code, tc.code, tc.want, out.String(), errb.String())
			}
			if strings.Contains(out.String()+errb.String(), "Passw0rd!") {
				t.Error("a password in the output")
			}
		})
	}
	// Skipping the check (and not asking for it on loopback) sends the
	// plan (and the default email runs out, as the check said it would).
	for _, flags := range [][]string{{"--no-check-target"}, nil} {
		var out, errb bytes.Buffer
		code := Main(context.Background(), append(append([]string{"run", "smoke", "--out", dir, "--duration", "1s"}, flags...), endpoint...), Stdio{Out: &out, Err: &errb, Env: testAWSEnv})
		if code == domain.ExitUsage || strings.Contains(errb.String(), "check:") {
			t.Errorf("run %v on loopback: exit %d\n%s", flags, code, errb.String())
		}
	}
}

// A real pool is checked unless told not to; a loopback one when asked.
func TestChecksTarget(t *testing.T) {
	users := filepath.Join(t.TempDir(), "u.csv")
	if err := os.WriteFile(users, []byte("a,Pw-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	plan := func(url string) *scenarios.Plan {
		s, _ := scenarios.Builtin("smoke")
		p, err := s.Compile(scenarios.CompileOptions{Endpoint: &scenarios.EndpointOverride{URL: url, UserPoolID: "eu-west-1_a", ClientID: "c", Users: users}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	real, local := plan("https://cognito-idp.eu-west-1.amazonaws.com"), plan("http://127.0.0.1:9229")
	mockPlan, _ := scenarios.Builtin("smoke")
	mp, _ := mockPlan.Compile(scenarios.CompileOptions{})
	for _, tc := range []struct {
		name string
		plan *scenarios.Plan
		o    runOpts
		want bool
	}{
		{"real", real, runOpts{}, true},
		{"real, skipped", real, runOpts{noCheck: true}, false},
		{"loopback", local, runOpts{}, false},
		{"loopback, asked", local, runOpts{checkTarget: true}, true},
		{"embedded mock, asked", mp, runOpts{checkTarget: true}, false},
	} {
		if got := checksTarget(tc.plan, tc.o); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// On a terminal the progress is one line rewritten in place; in a log, a
// line per tenth of the work.
func TestUsersProgress(t *testing.T) {
	for _, tty := range []bool{true, false} {
		var b bytes.Buffer
		p := newUsersProgress(Stdio{Err: &b, IsTerminal: func(io.Writer) bool { return tty }}, "created")
		for i := 1; i <= 100; i++ {
			p.update(users.Progress{Done: i, Total: 100, Throttled: i / 50, Elapsed: time.Duration(i) * 100 * time.Millisecond})
		}
		p.finish()
		out := b.String()
		if tty {
			if strings.Count(out, "\r") != 100 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "created 100 of 100 users (10/s, 2 throttled, 10s)") {
				t.Errorf("terminal progress:\n%q", out)
			}
		} else if strings.Count(out, "\n") != 10 || strings.Contains(out, "\r") || !strings.HasPrefix(out, "cogload: created 10 of 100 users") {
			t.Errorf("log progress:\n%s", out)
		}
	}
}

func TestCreateTarget(t *testing.T) {
	tg, err := createTarget("eu-west-1_AbC123", "", "", "c1")
	if err != nil || tg.Region != "eu-west-1" || tg.Endpoint != "" || tg.ClientID != "c1" {
		t.Errorf("from the pool id: %+v %v", tg, err)
	}
	if tg, err := createTarget("eu-west-1_AbC123", "", "http://127.0.0.1:9229", ""); err != nil || tg.Region != "" || tg.Endpoint == "" {
		t.Errorf("with an endpoint: %+v %v", tg, err)
	}
	if _, err := createTarget("nounderscore", "", "", ""); err == nil || !strings.Contains(err.Error(), "--region") {
		t.Errorf("no region: %v", err)
	}
	// The manifest records the endpoint: no credential may ride in it.
	if _, err := createTarget("eu-west-1_AbC123", "", "https://admin:S3cret-pw@cognito.example", ""); err == nil || strings.Contains(err.Error(), "S3cret") || !strings.Contains(err.Error(), "must not carry") {
		t.Errorf("an endpoint with a password: %v", err)
	}
}

// TestPoolRegion: the flag's region, else the pool id's, else the
// environment's (AWS_REGION before AWS_DEFAULT_REGION), else us-east-1.
func TestPoolRegion(t *testing.T) {
	for _, c := range []struct {
		env            []string
		region, poolID string
		want           string
	}{
		{[]string{"AWS_REGION=eu-west-1"}, "ap-south-1", "us-west-2_Abc", "ap-south-1"},
		{[]string{"AWS_REGION=eu-west-1"}, "", "us-west-2_Abc", "us-west-2"},
		{[]string{"AWS_REGION=eu-west-1", "AWS_DEFAULT_REGION=eu-north-1"}, "", "local", "eu-west-1"},
		{[]string{"AWS_DEFAULT_REGION=eu-north-1"}, "", "local", "eu-north-1"},
		{nil, "", "local", "us-east-1"},
	} {
		if got := (Stdio{Env: c.env}).poolRegion(c.region, c.poolID); got != c.want {
			t.Errorf("env %q: poolRegion(%q, %q) = %q, want %q", c.env, c.region, c.poolID, got, c.want)
		}
	}
}
