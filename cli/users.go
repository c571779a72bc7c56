package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/cogload/cogload/tokens"
	"github.com/cogload/cogload/users"
)

func init() {
	register("users", "create, list and delete the test users of a real user pool", runUsers)
}

const usersUsage = `Usage: cogload users create|list|delete [flags]

  create  creates confirmed users with permanent random passwords meeting the
          pool's policy (AdminCreateUser without an invitation, then
          AdminSetUserPassword), writes the users file (username,password, mode
          0600) and a manifest of every user created; running it again with the
          same manifest continues an interrupted run
  list    shows the state of the manifest's users
  delete  removes the manifest's users, and nothing else

Email addresses default to the Amazon SES mailbox simulator, so codes sent
through SES succeed without mailing anyone. The admin calls use the default
AWS credential chain; see docs/real-pools.md for the IAM policy.

Run 'cogload users <subcommand> -h' for its flags.`

func runUsers(ctx context.Context, args []string, stdio Stdio) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stdio.Err, usersUsage)
		if len(args) == 0 {
			return &domain.ExitError{Code: domain.ExitUsage}
		}
		return nil
	}
	switch args[0] {
	case "create":
		return usersCreate(ctx, args[1:], stdio)
	case "list":
		return usersList(ctx, args[1:], stdio)
	case "delete":
		return usersDelete(ctx, args[1:], stdio)
	}
	return usagef("users: unknown subcommand %q: use create, list or delete", args[0])
}

// pacingFlags are the pace of the admin calls.
func addPacingFlags(fs *flag.FlagSet) *users.Pacing {
	p := &users.Pacing{}
	fs.Float64Var(&p.Rate, "rate", users.DefaultRate, fmt.Sprintf("users per second, kept well under the account's UserCreation quota (%g requests/s, shared by every application of the account)", cognito.CategoryRPS[cognito.CategoryUserCreation]))
	fs.IntVar(&p.Concurrency, "concurrency", 4, "users in flight at once")
	return p
}

func usersCreate(ctx context.Context, args []string, stdio Stdio) error {
	fs := newFlagSet("users create", stdio.Err)
	count := fs.Int("count", 0, "how many users the manifest should hold (required)")
	out := fs.String("out", "users.csv", "users `file` to write (username,password; mode 0600)")
	manifest := fs.String("manifest", "users.manifest.json", "manifest `file` recording every user created (no passwords); continued when it exists")
	endpoint := fs.String("endpoint", "", "API endpoint `URL` (default: the region's public endpoint)")
	region := fs.String("region", "", "AWS `region` of the pool (default: the one its id names)")
	poolID := fs.String("user-pool-id", "", "the pool to create users in (required)")
	clientID := fs.String("client-id", "", "the app client the users sign in through, recorded in the manifest for run --manifest")
	emailDomain := fs.String("email-domain", "", "give users addresses at this `domain` (your own sink) instead of the SES mailbox simulator")
	phone := fs.String("phone", "", "also give users a phone number: one E.164 `number`, or a pattern such as +1555010%04d; every phone_number request then sends a paid SMS")
	pacing := addPacingFlags(fs)
	if err := parseUsersFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *poolID == "":
		return usagef("users create: --user-pool-id is required")
	case *count < 1 || *count > users.MaxUsers:
		return usagef("users create: --count %d: give 1 to %d", *count, users.MaxUsers)
	case pacing.Rate <= 0 || pacing.Concurrency < 1:
		return usagef("users create: --rate and --concurrency must be positive")
	}
	if err := stdio.checkOutputs(map[string]string{"--out": *out, "--manifest": *manifest}); err != nil {
		return err
	}
	target, err := createTarget(*poolID, *region, *endpoint, *clientID)
	if err != nil {
		return err
	}
	c, err := stdio.adminClient(ctx, target)
	if err != nil {
		return err
	}
	var known []domain.Credential
	if _, err := os.Stat(*manifest); err == nil {
		// Continuing: the passwords of the users made so far are kept.
		if known, err = tokens.LoadUsers(ctx, *out); err != nil && !errors.Is(err, os.ErrNotExist) {
			return usagef("--out %s: %v", *out, err)
		}
	}
	where := "the SES mailbox simulator (" + cognito.SESSimulator + ")"
	if *emailDomain != "" {
		where = *emailDomain
	}
	fmt.Fprintf(stdio.Err, "cogload: creating %d users in %s, addresses at %s, %s users/s\n", *count, target, where, textfmt.Num(pacing.Rate))
	if passed := users.QuotasPassed(pacing.Rate); len(passed) > 0 {
		// The quotas are the account's: past them, every application of
		// the account is throttled too, not only this command.
		fmt.Fprintf(stdio.Err, "cogload: warning: --rate %s users/s is above the account's default quotas its calls share with every application of the account (%s): expect TooManyRequestsException for them too (cogload retries its own with backoff)\n",
			textfmt.Num(pacing.Rate), strings.Join(passed, "; "))
	}
	if *phone != "" {
		fmt.Fprintf(stdio.Err, "cogload: the users get phone numbers (%s): every phone_number request of a run sends an SMS, paid per message by destination country (https://aws.amazon.com/end-user-messaging/pricing/)\n", *phone)
	}
	prog := newUsersProgress(stdio, "created")
	rep, err := users.Create(ctx, users.CreateOptions{Client: c, Target: target, Count: *count, Manifest: *manifest, Users: *out,
		EmailDomain: *emailDomain, Phone: *phone, Known: known, Pacing: *pacing, Progress: prog.update})
	prog.finish()
	if rep != nil {
		fmt.Fprintf(stdio.Out, "%d users ready in %s (%d created now, %d throttled calls retried)\n", rep.Ready, target, rep.Created, rep.Throttled)
		fmt.Fprintf(stdio.Out, "users file: %s (mode 0600)\nmanifest:   %s\n", *out, *manifest)
		fmt.Fprintf(stdio.Out, "check:      cogload validate SCENARIO --check-target --manifest %s\n", *manifest)
		fmt.Fprintf(stdio.Out, "remove:     cogload users delete --manifest %s\n", *manifest)
	}
	return usersErr(ctx, err)
}

func usersDelete(ctx context.Context, args []string, stdio Stdio) error {
	mc, err := openManifestCommand(ctx, "delete", "of the users to remove", args, stdio)
	if err != nil {
		return err
	}
	m := mc.m
	left := len(m.Users) - m.Count(users.StateDeleted)
	fmt.Fprintf(stdio.Err, "cogload: deleting the %d users of %s from %s\n", left, mc.path, m.Target)
	prog := newUsersProgress(stdio, "deleted")
	rep, err := users.Delete(ctx, users.DeleteOptions{Client: mc.client, Manifest: m, Path: mc.path, Pacing: *mc.pacing, Progress: prog.update})
	prog.finish()
	if rep != nil {
		fmt.Fprintf(stdio.Out, "%d users deleted from %s, %d already gone, %d left\n", rep.Deleted, m.Target, rep.Gone, len(m.Users)-m.Count(users.StateDeleted))
		for _, f := range rep.Failed {
			fmt.Fprintf(stdio.Out, "could not remove %s: %v\n", f.Login, f.Err)
		}
		if m.Count(users.StateDeleted) == len(m.Users) && m.UsersFile != "" {
			fmt.Fprintf(stdio.Out, "every user is gone; %s now holds passwords of deleted users only\n", m.UsersFile)
		}
	}
	if err == nil && rep != nil && len(rep.Failed) > 0 {
		err = fmt.Errorf("%d users could not be removed; run the same command again to retry them", len(rep.Failed))
	}
	return usersErr(ctx, err)
}

func usersList(ctx context.Context, args []string, stdio Stdio) error {
	mc, err := openManifestCommand(ctx, "list", "of the users to show", args, stdio)
	if err != nil {
		return err
	}
	m := mc.m
	st, err := users.List(ctx, mc.client, m, *mc.pacing)
	if err != nil {
		return usersErr(ctx, err)
	}
	counts := map[string]int{}
	t := textfmt.Table{Header: []string{"sign-in", "username", "status", "enabled"}}
	for _, s := range st {
		status, enabled := "missing", ""
		if s.Found {
			status, enabled = s.Status, fmt.Sprint(s.Enabled)
		}
		counts[status]++
		t.Rows = append(t.Rows, []string{s.Entry.Login, s.Entry.Username, status, enabled})
	}
	if err := t.Write(stdio.Out); err != nil {
		return err
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}
	fmt.Fprintf(stdio.Out, "%d users of %s in %s: %s; %d deleted earlier\n", len(st), mc.path, m.Target, strings.Join(parts, ", "), m.Count(users.StateDeleted))
	return nil
}

// manifestCommand is a subcommand working on a manifest's users (list,
// delete): the manifest, a client of its pool and the pace.
type manifestCommand struct {
	m      *users.Manifest
	path   string
	client *idpclient.Client
	pacing *users.Pacing
}

func openManifestCommand(ctx context.Context, name, what string, args []string, stdio Stdio) (*manifestCommand, error) {
	fs := newFlagSet("users "+name, stdio.Err)
	path := fs.String("manifest", "users.manifest.json", "manifest `file` "+what)
	mc := &manifestCommand{pacing: addPacingFlags(fs)}
	if err := parseUsersFlags(fs, args); err != nil {
		return nil, err
	}
	m, err := users.LoadManifest(ctx, *path)
	if err != nil {
		return nil, usagef("--manifest: %v", err)
	}
	if mc.client, err = stdio.adminClient(ctx, m.Target); err != nil {
		return nil, err
	}
	mc.m, mc.path = m, *path
	return mc, nil
}

// parseUsersFlags parses a subcommand's flags; it takes no arguments.
func parseUsersFlags(fs *flag.FlagSet, args []string) error {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("%s takes no arguments, got %q", fs.Name(), strings.Join(pos, " "))
	}
	return nil
}

// adminClient is a client of target's API signing with the injected
// environment's AWS credentials.
func (s Stdio) adminClient(ctx context.Context, t users.Target) (*idpclient.Client, error) {
	region := s.poolRegion(t.Region, t.UserPoolID)
	cfg, err := s.awsConfig(ctx, region)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return idpclient.New(idpclient.Config{Endpoint: t.Endpoint, Region: region, HTTPClient: s.HTTPClient, Credentials: cfg.Credentials}), nil
}

// createTarget is the pool users are created in, as the manifest records
// it: without --endpoint, the region is the flag's or the one the pool id
// names, so later commands find the pool from the manifest alone.
func createTarget(poolID, region, endpoint, clientID string) (users.Target, error) {
	if endpoint != "" {
		if err := cognito.CheckEndpointURL(endpoint); err != nil {
			return users.Target{}, usagef("users create: --endpoint %s: the endpoint %v", cognito.ShownEndpoint(endpoint), err)
		}
	}
	if region == "" && endpoint == "" {
		if region = idpclient.RegionOf(poolID); region == "" {
			return users.Target{}, usagef("users create: --user-pool-id %q names no region: give --region or --endpoint", poolID)
		}
	}
	return users.Target{UserPoolID: poolID, Region: region, Endpoint: endpoint, ClientID: clientID}, nil
}

// usersErr gives an interrupt its exit code; what was done is on disk.
func usersErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return &domain.ExitError{Code: domain.ExitInterrupted, Err: err}
	}
	return err
}

// usersProgress shows how far a create or delete is: a live line on a
// terminal, a line per tenth of the work otherwise.
type usersProgress struct {
	w     io.Writer
	tty   bool
	verb  string
	shown int
	wrote bool
}

func newUsersProgress(stdio Stdio, verb string) *usersProgress {
	return &usersProgress{w: stdio.Err, tty: stdio.IsTerminal(stdio.Err), verb: verb}
}

func (p *usersProgress) update(pr users.Progress) {
	rate := float64(pr.Done) / max(pr.Elapsed.Seconds(), 1e-3)
	line := fmt.Sprintf("%s %d of %d users (%s/s, %d throttled, %s)", p.verb, pr.Done, pr.Total, textfmt.Num(rate), pr.Throttled, pr.Elapsed.Round(time.Second))
	if p.tty {
		fmt.Fprintf(p.w, "\r%-80s", line)
		p.wrote = true
		return
	}
	if step := max(pr.Total/10, 1); pr.Done/step > p.shown/step || pr.Done == pr.Total {
		fmt.Fprintln(p.w, "cogload:", line)
		p.shown = pr.Done
	}
}

func (p *usersProgress) finish() {
	if p.tty && p.wrote {
		fmt.Fprintln(p.w)
	}
}
