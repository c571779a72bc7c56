package mock

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/internal/golden"
	"github.com/cogload/cogload/mock/sidedoor"
)

// TestWireGolden pins the exact bytes of representative answers (status,
// the headers clients read, body); the request id varies and is only
// checked for presence.
func TestWireGolden(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.mint("alice", sidedoor.KindAccess)
	var out bytes.Buffer
	for _, tc := range []struct{ name, op, body string }{
		{"guavc email", cognito.OpGetUserAttributeVerificationCode, `{"AccessToken":"` + tok + `","AttributeName":"email","ClientMetadata":{}}`},
		{"guavc phone", cognito.OpGetUserAttributeVerificationCode, `{"AccessToken":"` + tok + `","AttributeName":"phone_number"}`},
		{"guavc custom attribute", cognito.OpGetUserAttributeVerificationCode, `{"AccessToken":"` + tok + `","AttributeName":"custom:team"}`},
		{"guavc garbage token", cognito.OpGetUserAttributeVerificationCode, `{"AccessToken":"garbage","AttributeName":"email"}`},
		{"guavc missing members", cognito.OpGetUserAttributeVerificationCode, `{}`},
		{"guavc attribute name with a space", cognito.OpGetUserAttributeVerificationCode, `{"AccessToken":"` + tok + `","AttributeName":"e mail"}`},
		{"no operation in the target", "", `{}`},
		{"unknown operation", "ListGroups", `{}`},
	} {
		req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", cognito.ContentType)
		req.Header.Set(cognito.HeaderTarget, cognito.Target(tc.op))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Header.Get(cognito.HeaderRequestID) == "" {
			t.Fatalf("%s: no request id", tc.name)
		}
		fmt.Fprintf(&out, "## %s\nstatus: %d\n", tc.name, resp.StatusCode)
		for _, h := range []string{"Content-Type", cognito.HeaderErrorType, cognito.HeaderErrorMessage} {
			if v := resp.Header.Get(h); v != "" {
				fmt.Fprintf(&out, "%s: %s\n", h, v)
			}
		}
		fmt.Fprintf(&out, "%s\n\n", body)
	}
	golden.Check(t, "wire.golden", out.Bytes())
}
