package idpclient_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/smithy-go"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/idpclient"
)

func TestBackoff(t *testing.T) {
	throttle := &smithy.GenericAPIError{Code: cognito.ErrTooManyRequests, Message: "Rate exceeded"}
	limit := &smithy.GenericAPIError{Code: cognito.ErrLimitExceeded, Message: "Attempt limit exceeded"}
	refused := &smithy.GenericAPIError{Code: cognito.ErrNotAuthorized, Message: "Incorrect username or password."}
	tests := []struct {
		name      string
		b         idpclient.Backoff
		answers   []error // what successive tries return; past the end: nil
		wantTries int
		wantErr   error
		wantWait  time.Duration
	}{
		{"first try", idpclient.Backoff{Attempts: 3, Base: time.Second}, nil, 1, nil, 0},
		{"after throttling", idpclient.Backoff{Attempts: 3, Base: time.Second}, []error{throttle, limit}, 3, nil, 3 * time.Second},
		{"gives up", idpclient.Backoff{Attempts: 3, Base: time.Second}, []error{throttle, throttle, throttle, throttle}, 3, throttle, 3 * time.Second},
		{"other errors are final", idpclient.Backoff{Attempts: 3, Base: time.Second}, []error{refused}, 1, refused, 0},
		{"zero value", idpclient.Backoff{}, []error{throttle, throttle, throttle, throttle, throttle, throttle}, 5, throttle, 3000 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tries := 0
				start := time.Now()
				err := tt.b.Do(context.Background(), func(context.Context) error {
					tries++
					if tries <= len(tt.answers) {
						return tt.answers[tries-1]
					}
					return nil
				})
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("err = %v, want %v", err, tt.wantErr)
				}
				if tries != tt.wantTries {
					t.Errorf("%d tries, want %d", tries, tt.wantTries)
				}
				if waited := time.Since(start); waited != tt.wantWait {
					t.Errorf("waited %s, want %s", waited, tt.wantWait)
				}
			})
		})
	}
}

func TestBackoffStopsWithTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		throttle := &smithy.GenericAPIError{Code: cognito.ErrTooManyRequests}
		tries := 0
		err := idpclient.Backoff{Attempts: 10, Base: time.Second}.Do(ctx, func(context.Context) error {
			tries++
			return throttle
		})
		if !errors.Is(err, throttle) || tries != 2 {
			t.Errorf("err = %v after %d tries, want the throttling after 2", err, tries)
		}
	})
}
