package mock

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/sidedoor"
)

// TestHostileInput sends what no SDK would and expects a clean AWS error
// (never a 5xx, a panic or a hang) with a request id.
func TestHostileInput(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.mint("alice", sidedoor.KindAccess)
	guavc := cognito.Target(cognito.OpGetUserAttributeVerificationCode)
	deep := strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)
	huge := `{"AccessToken":"` + tok + `","AttributeName":"email","ClientMetadata":{"k":"` + strings.Repeat("x", MaxBodyBytes) + `"}}`
	for _, tc := range []struct {
		name, method, target, ctype, body string
		code, msg                         string
	}{
		{"GET /", "GET", "", "", "", cognito.ErrBadRequest, cognito.MsgBadRequest},
		{"no target", "POST", "", cognito.ContentType, `{}`, cognito.ErrBadRequest, cognito.MsgBadRequest},
		{"unknown operation", "POST", cognito.Target("DeleteEverything"), cognito.ContentType, `{}`, cognito.ErrUnknownOperation, ""},
		{"foreign target prefix", "POST", "DynamoDB_20120810.GetItem", cognito.ContentType, `{}`, cognito.ErrBadRequest, cognito.MsgBadRequest},
		{"wrong content type", "POST", guavc, "text/plain", `{}`, cognito.ErrSerialization, ""},
		{"empty body", "POST", guavc, cognito.ContentType, ``, cognito.ErrInvalidParameter,
			"2 validation errors detected: Value at 'accessToken' failed to satisfy constraint: Member must not be null; Value null at 'attributeName' failed to satisfy constraint: Member must not be null"},
		{"null members", "POST", guavc, cognito.ContentType, `{"AccessToken":null,"AttributeName":"email"}`, cognito.ErrInvalidParameter,
			"1 validation error detected: Value at 'accessToken' failed to satisfy constraint: Member must not be null"},
		{"member names are case-sensitive", "POST", guavc, cognito.ContentType, `{"accesstoken":"` + tok + `","AttributeName":"email"}`, cognito.ErrInvalidParameter, ""},
		{"not JSON", "POST", guavc, cognito.ContentType, `{"AccessToken":`, cognito.ErrSerialization, ""},
		{"array", "POST", guavc, cognito.ContentType, `[1,2]`, cognito.ErrSerialization, ""},
		{"wrong member type", "POST", guavc, cognito.ContentType, `{"AccessToken":5,"AttributeName":"email"}`, cognito.ErrSerialization, ""},
		{"metadata not a map of strings", "POST", guavc, cognito.ContentType, `{"AccessToken":"` + tok + `","AttributeName":"email","ClientMetadata":{"k":1}}`, cognito.ErrSerialization, ""},
		{"invalid UTF-8", "POST", guavc, cognito.ContentType, "{\"AccessToken\":\"" + tok + "\",\"AttributeName\":\"em\xffail\"}", cognito.ErrSerialization, ""},
		{"deeply nested", "POST", guavc, cognito.ContentType, deep, cognito.ErrSerialization, ""},
		{"oversized", "POST", guavc, cognito.ContentType, huge, cognito.ErrSerialization, ""},
		{"unknown members are ignored", "POST", guavc, "application/json", `{"AccessToken":"garbage","AttributeName":"email","Extra":[{"x":[1,2,{"y":null}]}]}`, cognito.ErrNotAuthorized, cognito.MsgInvalidAccessToken},
		{"escaped strings decode", "POST", guavc, cognito.ContentType, `{"AccessToken":"` + tok + `","AttributeName":"\u0065mail \n"}`, cognito.ErrInvalidParameter, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, e.ts.URL+"/", bytes.NewBufferString(tc.body))
			if tc.target != "" {
				req.Header.Set(cognito.HeaderTarget, tc.target)
			}
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			want := http.StatusBadRequest
			if tc.code == cognito.ErrBadRequest {
				want = http.StatusNotFound // the captured answer to an unmapped request
			}
			if resp.StatusCode != want {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if resp.Header.Get(cognito.HeaderRequestID) == "" {
				t.Fatal("no x-amzn-RequestId")
			}
			typ, msg, ok := cognito.ParseError(resp.Header, body)
			if !ok || typ != tc.code || (tc.msg != "" && msg != tc.msg) {
				t.Fatalf("got %s %q, want %s %q", typ, msg, tc.code, tc.msg)
			}
			if !json.Valid(body) {
				t.Fatalf("body is not JSON: %s", body)
			}
		})
	}
}

func TestSideDoorUnknownPathAndRequestID(t *testing.T) {
	e := newEnv(t, nil)
	resp, err := http.Get(e.ts.URL + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get(cognito.HeaderRequestID) == "" {
		t.Fatalf("GET /nope: %d", resp.StatusCode)
	}
}
