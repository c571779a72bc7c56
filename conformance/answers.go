package conformance

import (
	"net/http"
	"sync"
)

// answerWatch is the harness's transport: it remembers the first request
// of a case that got no HTTP answer at all (refused, reset, timed out), so
// a case the target never answered is reported as unanswered rather than
// as a failure to conform. Nothing was judged.
type answerWatch struct {
	base  http.RoundTripper
	mu    sync.Mutex
	first error
}

func (w *answerWatch) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(r)
	// A request cancelled by the case (its deadline, an interrupt) says
	// nothing about the target.
	if err != nil && r.Context().Err() == nil {
		w.mu.Lock()
		if w.first == nil {
			w.first = err
		}
		w.mu.Unlock()
	}
	return resp, err
}

// take returns the first unanswered request's error since the last take.
func (w *answerWatch) take() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.first
	w.first = nil
	return err
}

// watched returns a copy of hc whose requests w watches.
func watched(hc *http.Client, w *answerWatch) *http.Client {
	c := *hc
	w.base = c.Transport
	if w.base == nil {
		w.base = http.DefaultTransport
	}
	c.Transport = w
	return &c
}
