package mock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuiltinConfigs(t *testing.T) {
	names := BuiltinNames()
	for _, want := range []string{"custom-message-trigger", "email-default", "email-ses", "raised-quota", "sms"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Fatalf("built-ins %v lack %s", names, want)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			cfg, err := Builtin(name)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Name != name {
				t.Fatalf("name = %q", cfg.Name)
			}
			s, err := New(cfg, WithSeed(7))
			if err != nil {
				t.Fatal(err)
			}
			info := s.Info("http://x")
			if len(info.Users) == 0 || info.Users[0].Email == "" || len(s.Credentials()) < 1500 {
				t.Fatalf("info = %+v, %d credentials", info, len(s.Credentials()))
			}
			// Deterministic: the same seed gives the same pool and users.
			s2, _ := New(cfg, WithSeed(7))
			if s2.Info("http://x").UserPoolID != info.UserPoolID || s2.Info("").ClientID != info.ClientID {
				t.Fatal("same seed, different pool")
			}
		})
	}
	if _, err := Builtin("nope"); err == nil || !strings.Contains(err.Error(), "email-default") {
		t.Fatalf("unknown built-in: %v", err)
	}
}

func TestConfigErrorsArePositioned(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"unknown field", "name: x\nquotas:\n  rsp: 3\n", "pool.yaml:3:3: "},
		{"misplaced field", "name: x\ndelivery:\n  failureRate: 0.1\n", "pool.yaml:3:3: "},
		{"wrong type", "name: x\noutboxSize: many\n", "pool.yaml:2:13: "},
		{"probability", "name: x\ndelivery:\n  email:\n    failureRate: 1.5\n", "pool.yaml:4:18: delivery.email.failureRate: probability 1.5 out of range"},
		{"sending account", "delivery:\n  email:\n    sendingAccount: SES\n", "pool.yaml:3:21: delivery.email.sendingAccount: unknown sending account"},
		{"fault name", "faults:\n  NoSuchException: 0.1\n", "pool.yaml:2:20: faults.NoSuchException: unknown error type"},
		{"fault sum", "faults:\n  InternalErrorException: 0.6\n  TooManyRequestsException: 0.6\n", "pool.yaml:1:1: faults: probabilities add up"},
		{"latency order", "latency:\n  p50: 200ms\n  p99: 100ms\n", "pool.yaml:3:8: latency.p99: p99 100ms is below p50 200ms"},
		{"bad duration", "latency:\n  p50: soon\n", "pool.yaml:2:8: "},
		{"user status", "users:\n  list:\n    - username: a\n    - username: b\n      status: GONE\n", "pool.yaml:5:15: users.list[1].status: unknown status"},
		{"window", "quotas:\n  window: rolling\n", "pool.yaml:2:11: quotas.window"},
		{"status mode", "statusMode: strict\n", "pool.yaml:1:13: statusMode"},
		{"duplicate key", "name: a\nname: b\n", "pool.yaml:2:1: "},
		{"table and lognormal", "latency:\n  p50: 10ms\n  quantiles:\n    - {q: 0, latency: 1ms}\n    - {q: 1, latency: 9ms}\n", "pool.yaml:3:3: latency.quantiles: give p50 and p99 (lognormal) or quantiles (a table), not both"},
		{"table order", "latency:\n  quantiles:\n    - {q: 0, latency: 5ms}\n    - {q: 0.5, latency: 4ms}\n    - {q: 1, latency: 9ms}\n", "pool.yaml:4:7: latency.quantiles[1]: latency 4ms is below"},
		{"table ends", "latency:\n  quantiles:\n    - {q: 0, latency: 5ms}\n    - {q: 0.9, latency: 9ms}\n", "pool.yaml:4:7: latency.quantiles[1]: q 0.9: the table ends at q 1"},
		{"outcome name", "latency:\n  outcomes:\n    Slow: {p50: 1ms, p99: 2ms}\n", "pool.yaml:3:5: latency.outcomes.Slow: unknown outcome"},
		{"outcome empty", "latency:\n  outcomes:\n    ok: {}\n", "pool.yaml:3:5: latency.outcomes.ok: give p50 and p99"},
		{"outcome lognormal", "latency:\n  outcomes:\n    ok: {p50: 9ms, p99: 2ms}\n", "pool.yaml:3:25: latency.outcomes.ok.p99: p99 2ms is below"},
		{"trigger outcomes", "customMessageTrigger:\n  latency:\n    outcomes:\n      ok: {p50: 1ms, p99: 2ms}\n", "pool.yaml:3:5: customMessageTrigger.latency.outcomes: latency by outcome is GetUserAttributeVerificationCode's"},
		{"password length", "passwordPolicy:\n  minimumLength: 4\n", "pool.yaml:2:18: passwordPolicy.minimumLength: minimum length 4 out of range"},
		{"username attribute", "usernameAttributes: [email, preferred_username]\n", "pool.yaml:1:29: usernameAttributes[1]: unknown username attribute"},
		{"username attribute twice", "usernameAttributes: [email, email]\n", "pool.yaml:1:29: usernameAttributes[1]: username attribute \"email\" is listed twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("pool.yaml", []byte(tc.yaml))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error = %v, want prefix %q", err, tc.want)
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Line == 0 {
				t.Fatalf("not a positioned *ConfigError: %#v", err)
			}
		})
	}
}

func TestResolveConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(path, []byte("name: mine\nusers:\n  list:\n    - username: u1\n      email: u1@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := ResolveConfig(context.Background(), path)
	if err != nil || cfg.Name != "mine" {
		t.Fatalf("file: %v %v", cfg, err)
	}
	if cfg, err := ResolveConfig(context.Background(), "sms"); err != nil || cfg.Name != "sms" {
		t.Fatalf("builtin: %v %v", cfg, err)
	}
	if _, err := ResolveConfig(context.Background(), filepath.Join(dir, "missing.yaml")); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestEmptyConfigIsDefaults(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n"} {
		cfg, err := ParseConfig("empty.yaml", []byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if _, err := New(cfg, WithSeed(1)); err != nil {
			t.Fatal(err)
		}
	}
}
