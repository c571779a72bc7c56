//go:build unix

package attack

import (
	"errors"
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
)

// TestOutOfFileDescriptorsIsTheGenerators: with every file descriptor of
// the process taken, a request fails before it leaves the machine; that is
// the generator's limit (generator_limit, unsent), not the target's error.
// It runs alone (not parallel): it exhausts the whole process's table.
func TestOutOfFileDescriptorsIsTheGenerators(t *testing.T) {
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		cognito.WriteJSON(w, "rid", cognito.GetUserAttributeVerificationCodeOutput{})
	})
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Skip(err)
	}
	low := old
	low.Cur = min(old.Cur, 512)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Skip(err)
	}
	defer func() { _ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) }()
	var held []*os.File
	defer func() {
		for _, f := range held {
			f.Close()
		}
	}()
	for {
		f, err := os.Open(os.DevNull)
		if errors.Is(err, syscall.EMFILE) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, f)
	}
	res := hitOnce(t, url, time.Second)
	for _, f := range held {
		f.Close()
	}
	held = nil
	if got := Classify(res); got != domain.OutcomeGeneratorLimit || Judge(got, domain.Expectation{Outcomes: []string{domain.OutcomeOK}}) != domain.VerdictUnsent {
		t.Errorf("Classify = %q (error %q), want %s judged unsent", got, res.Error, domain.OutcomeGeneratorLimit)
	}
}
