package mock

import (
	"fmt"
)

// Info is the contract `cogload mock` prints on its first stdout line and
// GET /_mock/info returns.
type Info struct {
	Endpoint   string       `json:"endpoint"`
	Region     string       `json:"region"`
	UserPoolID string       `json:"userPoolId"`
	ClientID   string       `json:"clientId"`
	Users      []SampleUser `json:"users"`
}

// SampleUser is a working user of the default pool. The first one has an
// email address.
type SampleUser struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	Email       string `json:"email,omitempty"`
	PhoneNumber string `json:"phoneNumber,omitempty"`
}

// sampleUsers is how many users Info lists.
const sampleUsers = 5

// Info describes the default pool for scripts; endpoint is the base URL
// the caller serves the Server on.
func (s *Server) Info(endpoint string) Info {
	p := s.def
	info := Info{Endpoint: endpoint, Region: p.region, UserPoolID: p.id, Users: []SampleUser{}}
	if c := p.firstClient(); c != nil {
		info.ClientID = c.id
	}
	var withEmail, others []SampleUser
	for _, u := range p.users.all() {
		u.mu.Lock()
		usable := u.enabled && u.status == StatusConfirmed
		su := SampleUser{Username: u.username, Password: u.password, Email: u.attrs["email"], PhoneNumber: u.attrs["phone_number"]}
		u.mu.Unlock()
		if !usable {
			continue
		}
		if su.Email != "" && len(withEmail) == 0 {
			withEmail = append(withEmail, su)
		} else if len(others) < sampleUsers {
			others = append(others, su)
		}
		if len(withEmail) == 1 && len(others) >= sampleUsers-1 {
			break
		}
	}
	info.Users = append(info.Users, withEmail...)
	info.Users = append(info.Users, others...)
	if len(info.Users) > sampleUsers {
		info.Users = info.Users[:sampleUsers]
	}
	return info
}

// Credential is a username and password for minting tokens. Printing it
// never shows the password.
type Credential struct {
	Username string
	Password string
}

// String shows the username only.
func (c Credential) String() string {
	return fmt.Sprintf("Credential{Username:%q, Password:<redacted>}", c.Username)
}

// GoString shows the username only.
func (c Credential) GoString() string { return c.String() }

// Format makes every verb (%v, %+v, %#v, %s, %q) print the redacted form.
func (c Credential) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(c.String())) }

// Credentials returns every confirmed, enabled user of the default pool, in
// creation order.
func (s *Server) Credentials() []Credential {
	var out []Credential
	for _, u := range s.def.users.all() {
		u.mu.Lock()
		if u.enabled && u.status == StatusConfirmed {
			out = append(out, Credential{Username: u.username, Password: u.password})
		}
		u.mu.Unlock()
	}
	return out
}
