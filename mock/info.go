package mock

import (
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/mock/sidedoor"
)

// sampleUsers is how many users Info lists.
const sampleUsers = 5

// Info describes the default pool for scripts (the contract `cogload mock`
// prints and GET /_mock/info answers); endpoint is the base URL the caller
// serves the Server on.
func (s *Server) Info(endpoint string) sidedoor.Info {
	p := s.def
	info := sidedoor.Info{Endpoint: endpoint, Region: p.region, UserPoolID: p.id, Users: []domain.Credential{}}
	if c := p.firstClient(); c != nil {
		info.ClientID = c.id
	}
	var withEmail, others []domain.Credential
	for _, u := range p.users.all() {
		u.mu.Lock()
		usable := u.enabled && u.status == StatusConfirmed
		su := domain.Credential{Username: u.username, Password: u.password, Email: u.attrs["email"], PhoneNumber: u.attrs["phone_number"]}
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

// Credentials returns every confirmed, enabled user of the default pool, in
// creation order.
func (s *Server) Credentials() []domain.Credential {
	var out []domain.Credential
	for _, u := range s.def.users.all() {
		u.mu.Lock()
		if u.enabled && u.status == StatusConfirmed {
			out = append(out, domain.Credential{Username: u.username, Password: u.password})
		}
		u.mu.Unlock()
	}
	return out
}
