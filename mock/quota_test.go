package mock

import (
	"slices"
	"testing"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/sidedoor"
)

// TestQuotasWithClock walks each limit over its boundary and back with the
// injected clock: no sleeps.
func TestQuotasWithClock(t *testing.T) {
	t.Run("category", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.Quotas.RPS, c.Quotas.Burst = ptr(2.0), ptr(2) })
		a, b := e.mint("alice", sidedoor.KindAccess), e.mint("bob", sidedoor.KindAccess)
		for _, tok := range []string{a, b} {
			if _, err := e.guavc(tok, "email", nil); err != nil {
				t.Fatal(err)
			}
		}
		_, err := e.guavc(a, "email", nil)
		wantAPIError(t, err, cognito.ErrTooManyRequests, cognito.MsgRateExceeded)
		e.clock.Advance(time.Second)
		if _, err := e.guavc(a, "email", nil); err != nil {
			t.Fatalf("after a second: %v", err)
		}
	})
	t.Run("codes per hour", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.Delivery.Email.SendingAccount = SendingDeveloper })
		a := e.mint("alice", sidedoor.KindAccess)
		for i := range cognito.CodesPerUserHour {
			if _, err := e.guavc(a, "email", nil); err != nil {
				t.Fatalf("call %d: %v", i+1, err)
			}
			e.clock.Advance(time.Second)
		}
		_, err := e.guavc(a, "phone_number", nil)
		wantAPIError(t, err, cognito.ErrLimitExceeded, cognito.MsgAttemptLimit)
		// Another user is not affected.
		if _, err := e.guavc(e.mint("bob", sidedoor.KindAccess), "email", nil); err != nil {
			t.Fatalf("bob: %v", err)
		}
		e.clock.Advance(time.Hour)
		if _, err := e.guavc(e.mint("alice", sidedoor.KindAccess), "email", nil); err != nil {
			t.Fatalf("an hour later: %v", err)
		}
	})
	t.Run("daily email resets at 09:00 UTC", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.Delivery.Email.DailyLimit = ptr(2); c.Quotas.CodesPerUserPerHour = ptr(0) })
		a := e.mint("alice", sidedoor.KindAccess)
		for range 2 {
			if _, err := e.guavc(a, "email", nil); err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(time.Second)
		}
		_, err := e.guavc(a, "email", nil)
		wantAPIError(t, err, cognito.ErrLimitExceeded, cognito.MsgDailyEmailLimit)
		// SMS is not limited by the email quota.
		if _, err := e.guavc(a, "phone_number", nil); err != nil {
			t.Fatalf("sms: %v", err)
		}
		e.clock.Advance(12 * time.Hour) // past midnight UTC: no reset yet
		_, err = e.guavc(e.mint("alice", sidedoor.KindAccess), "email", nil)
		wantAPIError(t, err, cognito.ErrLimitExceeded, cognito.MsgDailyEmailLimit)
		e.clock.Advance(9 * time.Hour) // past 09:00 UTC
		if _, err := e.guavc(e.mint("alice", sidedoor.KindAccess), "email", nil); err != nil {
			t.Fatalf("after 09:00 UTC: %v", err)
		}
	})
	t.Run("zero switches off", func(t *testing.T) {
		e := newEnv(t, func(c *Config) {
			c.Quotas.RPS, c.Quotas.PerUserRPS, c.Quotas.CodesPerUserPerHour = ptr(0.0), ptr(0.0), ptr(0)
			c.Delivery.Email.DailyLimit = ptr(0)
		})
		a := e.mint("alice", sidedoor.KindAccess)
		for i := range 100 {
			if _, err := e.guavc(a, "email", nil); err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
	})
}

func TestLatencyAndTriggerUseInjectedSleep(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Latency = LatencyConfig{P50: 40 * time.Millisecond, P99: 40 * time.Millisecond}
		c.CustomMessageTrigger = TriggerConfig{Enabled: true, Latency: LatencyConfig{P50: 7 * time.Millisecond, P99: 7 * time.Millisecond}}
		c.Delivery.Email.SendingAccount = SendingDeveloper
	})
	tok := e.mint("alice", sidedoor.KindAccess)
	if _, err := e.guavc(tok, "email", nil); err != nil {
		t.Fatal(err)
	}
	// The trigger runs while the request is handled; the answer then
	// waits out the pool's latency.
	got := e.sleeps.all()
	if len(got) != 2 || got[0] != 7*time.Millisecond || got[1] != 40*time.Millisecond {
		t.Fatalf("sleeps = %v, want [7ms 40ms]", got)
	}
}

// TestLatencyByOutcome: an outcome's latency replaces the pool's model
// for its answers, and the trigger's latency counts towards it; other
// outcomes keep the pool's model.
func TestLatencyByOutcome(t *testing.T) {
	ms := time.Millisecond
	e := newEnv(t, func(c *Config) {
		c.Latency = LatencyConfig{P50: 40 * ms, P99: 40 * ms, Outcomes: map[string]LatencyConfig{
			"ok":                     {Quantiles: []QuantilePoint{{0, 100 * ms}, {1, 100 * ms}}},
			cognito.ErrNotAuthorized: {P50: 5 * ms, P99: 5 * ms},
		}}
		c.CustomMessageTrigger = TriggerConfig{Enabled: true, Latency: LatencyConfig{P50: 7 * ms, P99: 7 * ms}}
		c.Delivery.Email.SendingAccount = SendingDeveloper
	})
	tok := e.mint("alice", sidedoor.KindAccess)
	for _, tc := range []struct {
		token, attr string
		want        []time.Duration
	}{
		{tok, "email", []time.Duration{7 * ms, 93 * ms}},
		{"garbage.garbage.garbage", "email", []time.Duration{5 * ms}},
		{tok, "custom:tier", []time.Duration{40 * ms}},
	} {
		e.sleeps.reset()
		_, _ = e.guavc(tc.token, tc.attr, nil)
		if got := e.sleeps.all(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: sleeps = %v, want %v", tc.attr, got, tc.want)
		}
	}
}

func TestTriggerSeesClientMetadataVerbatim(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.CustomMessageTrigger = TriggerConfig{Enabled: true}
		c.Delivery.Email.SendingAccount = SendingDeveloper
	})
	tok := e.mint("alice", sidedoor.KindAccess)
	for _, md := range []map[string]string{nil, {}, {"k": "v"}} {
		if _, err := e.guavc(tok, "email", md); err != nil {
			t.Fatal(err)
		}
	}
	body := getBody(t, e.ts.URL+"/_mock/outbox?username=alice")
	want := `"clientMetadata":null`
	if !contains3(body, `"clientMetadata":null`, `"clientMetadata":{}`, `"clientMetadata":{"k":"v"}`) {
		t.Fatalf("outbox = %s, want %s then {} then {\"k\":\"v\"}", body, want)
	}
	box := e.srv.Outbox()
	if box[0].TriggerSource != "CustomMessage_VerifyUserAttribute" {
		t.Fatalf("trigger source = %q", box[0].TriggerSource)
	}
}
