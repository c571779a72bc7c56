package users_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cogload/cogload/users"
)

func TestParseManifestRefusals(t *testing.T) {
	for _, tc := range []struct{ name, json, want string }{
		{"not json", `{`, "unexpected EOF"},
		{"unknown field", `{"version":1,"target":{"userPoolId":"p"},"prefix":"x-","password":"no"}`, "unknown field"},
		{"version", `{"version":9,"target":{"userPoolId":"p"},"prefix":"x-"}`, "version 9"},
		{"no pool", `{"version":1,"prefix":"x-"}`, "not a cogload users manifest"},
		{"state", `{"version":1,"target":{"userPoolId":"p"},"prefix":"x-","users":[{"login":"a","state":"gone"}]}`, `users[0]: unknown state "gone"`},
		{"no login", `{"version":1,"target":{"userPoolId":"p"},"prefix":"x-","users":[{"state":"ready"}]}`, "users[0]: no login"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := users.ParseManifest("m.json", []byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "manifest m.json: ") {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// FuzzParseManifest checks the manifest parser never panics and that a
// manifest it accepts is written back to one it accepts alike.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"version":1,"target":{"userPoolId":"p","endpoint":"http://127.0.0.1:1"},"prefix":"cogload-abc123-","signIn":"username",` +
		`"users":[{"label":"cogload-abc123-00001","login":"cogload-abc123-00001","state":"ready"}]}`))
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := users.ParseManifest("m.json", data)
		if err != nil {
			return
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		again, err := users.ParseManifest("m.json", b)
		if err != nil || len(again.Users) != len(m.Users) || again.Target != m.Target {
			t.Fatalf("written back: %v", err)
		}
	})
}
