package domain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCredentialFormat(t *testing.T) {
	t.Parallel()
	c := Credential{Username: "alice", Password: "hunter2-Secret", Email: "a@example.com"}
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%10v", "%d"} {
		out := fmt.Sprintf(f, c)
		if strings.Contains(out, c.Password) || strings.Contains(out, fmt.Sprintf("%x", c.Password)) {
			t.Errorf("%s prints the password: %s", f, out)
		}
		if f != "%x" && f != "%X" && !strings.Contains(out, "alice") {
			t.Errorf("%s hides the username: %s", f, out)
		}
	}
	if out := fmt.Sprint([]Credential{c}, &c, map[string]Credential{"k": c}); strings.Contains(out, c.Password) {
		t.Errorf("slice/pointer/map print the password: %s", out)
	}
	if err := fmt.Errorf("login %v failed", c); strings.Contains(err.Error(), c.Password) {
		t.Errorf("a wrapped credential prints the password: %v", err)
	}
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		codes []ExitCode
		want  ExitCode
	}{
		{nil, ExitOK},
		{[]ExitCode{ExitOK, ExitThresholds}, ExitThresholds},
		{[]ExitCode{ExitThresholds, ExitViolations, ExitOK}, ExitViolations},
		{[]ExitCode{ExitViolations, ExitInterrupted, ExitThresholds}, ExitInterrupted},
		{[]ExitCode{ExitViolations, ExitRuntime}, ExitRuntime},
	} {
		if got := Worst(tc.codes...); got != tc.want {
			t.Errorf("Worst(%v) = %v, want %v", tc.codes, got, tc.want)
		}
	}
	if got := ExitThresholds.String(); got != "99 (thresholds breached)" {
		t.Errorf("String = %q", got)
	}
	if int(ExitUsage) != 2 || int(ExitViolations) != 98 || int(ExitThresholds) != 99 || int(ExitInterrupted) != 130 {
		t.Error("the documented exit codes changed")
	}
	if Exit(ExitUsage, nil) != nil {
		t.Error("Exit(code, nil) is not nil")
	}
	err := fmt.Errorf("wrapped: %w", Exit(ExitUsage, fmt.Errorf("bad flag")))
	var ee *ExitError
	if !errors.As(err, &ee) || ee.Code != ExitUsage || err.Error() != "wrapped: bad flag" {
		t.Errorf("exit error through a chain: %v", err)
	}
	for cause, want := range map[error]ExitCode{
		errors.New("s.yaml:1:1: unknown field"):                     ExitUsage,
		fmt.Errorf("s.yaml: reading stopped: %w", context.Canceled): ExitInterrupted,
	} {
		if !errors.As(InvalidInput(cause), &ee) || ee.Code != want {
			t.Errorf("InvalidInput(%v) exits %v, want %v", cause, ee.Code, want)
		}
	}
	if InvalidInput(nil) != nil {
		t.Error("InvalidInput(nil) is not nil")
	}
}

func TestOutcomesAndVerdicts(t *testing.T) {
	t.Parallel()
	for _, o := range TransportOutcomes() {
		if !IsTransport(o) {
			t.Errorf("%s is listed as transport but IsTransport says no", o)
		}
	}
	if IsTransport(OutcomeOK) || IsTransport("NotAuthorizedException") {
		t.Error("ok or a Cognito error counted as transport")
	}
	e := Expectation{Outcomes: []string{OutcomeOK, "InvalidParameterException"}}
	if !e.Allows("InvalidParameterException") || e.Allows("NotAuthorizedException") {
		t.Errorf("Allows on %v", e)
	}
	names := []string{VerdictPass.String(), VerdictThrottled.String(), VerdictError.String(), VerdictViolation.String()}
	if strings.Join(names, ",") != "pass,throttled,error,violation" {
		t.Errorf("verdict names %v", names)
	}
}

func TestProgressRate(t *testing.T) {
	t.Parallel()
	a := Progress{Elapsed: 2 * time.Second, Sent: 100}
	b := Progress{Elapsed: 7 * time.Second, Sent: 600}
	if got := b.Rate(a); got != 100 {
		t.Errorf("rate over the interval = %v, want 100", got)
	}
	if got := a.Rate(b); got != 0 {
		t.Errorf("rate backwards = %v, want 0", got)
	}
	// A ramp from 2 to 20 req/s over 10 s: 32.5 requests are due by 5 s,
	// 110 by 10 s. The plan asks 6.5/s over the first half (the rate at
	// 5 s is 11/s) and 15.5/s over the second.
	c := Progress{Elapsed: 5 * time.Second, Due: 32.5}
	d := Progress{Elapsed: 10 * time.Second, Due: 110}
	if got := c.TargetRate(Progress{}); got != 6.5 {
		t.Errorf("target over the first half = %v, want 6.5", got)
	}
	if got := d.TargetRate(c); got != 15.5 {
		t.Errorf("target over the second half = %v, want 15.5", got)
	}
	if got := c.TargetRate(d); got != 0 {
		t.Errorf("target backwards = %v, want 0", got)
	}
}

func TestGeneratorLimitIsNeitherAnswerNorTransport(t *testing.T) {
	t.Parallel()
	if IsTransport(OutcomeGeneratorLimit) || IsAnswer(OutcomeGeneratorLimit) || !IsGeneratorLimit(OutcomeGeneratorLimit) {
		t.Error("generator_limit is the generator's: neither a transport failure nor an answer of the target")
	}
	for _, o := range []string{OutcomeOK, "NotAuthorizedException", "TooManyRequestsException"} {
		if !IsAnswer(o) {
			t.Errorf("%s is an answer of the target", o)
		}
	}
	for _, o := range TransportOutcomes() {
		if IsAnswer(o) {
			t.Errorf("%s is not an answer", o)
		}
	}
	if VerdictUnsent.String() != "unsent" || Verdicts != 5 {
		t.Errorf("verdict %q, %d verdicts", VerdictUnsent, Verdicts)
	}
}
