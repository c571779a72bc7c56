package mock

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/cogload/cogload/internal/jws"
)

// sideDoors serves everything that is not the API: health, metrics, JWKS
// and the /_mock/ test helpers documented in doc.go.
func (s *Server) sideDoors() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok")
	})
	m.Handle("GET /metrics", s.metrics.handler)
	m.HandleFunc("GET /{poolId}/.well-known/jwks.json", s.serveJWKS)
	m.HandleFunc("GET /_mock/info", func(w http.ResponseWriter, r *http.Request) {
		writeSide(w, http.StatusOK, s.Info("http://"+r.Host))
	})
	m.HandleFunc("GET /_mock/outbox", s.serveOutbox)
	m.HandleFunc("DELETE /_mock/outbox", func(w http.ResponseWriter, _ *http.Request) {
		s.outbox.clear()
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("POST /_mock/tokens", s.serveMintToken)
	m.HandleFunc("GET /_mock/users/{username}", s.serveGetUser)
	m.HandleFunc("POST /_mock/users/{username}", s.serveSetUser)
	m.HandleFunc("POST /_mock/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		sideError(w, http.StatusNotFound, "no such path: the API is POST / and the side doors are under /_mock/")
	})
	return m
}

// Reset clears the quota counters and the outbox.
func (s *Server) Reset() {
	s.category.Reset()
	s.perUser.Reset()
	s.codes.Reset()
	s.daily.Reset()
	s.outbox.clear()
}

func writeSide(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func sideError(w http.ResponseWriter, status int, msg string) {
	writeSide(w, status, map[string]string{"error": msg})
}

func (s *Server) serveJWKS(w http.ResponseWriter, r *http.Request) {
	p := s.poolByID(r.PathValue("poolId"))
	if p == nil || p.deleted.Load() {
		sideError(w, http.StatusNotFound, "no such user pool")
		return
	}
	writeSide(w, http.StatusOK, jws.JWKS{Keys: []jws.JWK{p.accessKey.jwk(), p.idKey.jwk()}})
}

func (s *Server) serveOutbox(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	username, attr, poolID := q.Get("username"), q.Get("attribute"), q.Get("poolId")
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			sideError(w, http.StatusBadRequest, "limit: use a non-negative integer")
			return
		}
		limit = n
	}
	list := s.outbox.list(func(d *Delivery) bool {
		return (username == "" || d.Username == username) && (attr == "" || d.Attribute == attr) && (poolID == "" || d.PoolID == poolID)
	}, limit)
	writeSide(w, http.StatusOK, map[string][]Delivery{"deliveries": list})
}

// Outbox returns the recorded deliveries, oldest first.
func (s *Server) Outbox() []Delivery {
	return s.outbox.list(func(*Delivery) bool { return true }, 0)
}

// sidePool picks the pool a side-door request names (default pool when
// empty).
func (s *Server) sidePool(id string) *pool {
	if id == "" {
		return s.def
	}
	p := s.poolByID(id)
	if p == nil || p.deleted.Load() {
		return nil
	}
	return p
}

func decodeSide(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		sideError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

func (s *Server) serveMintToken(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Kind     string `json:"kind"`
		PoolID   string `json:"poolId"`
		ClientID string `json:"clientId"`
	}
	if !decodeSide(w, r, &in) {
		return
	}
	tok, status, msg := s.MintToken(in.PoolID, in.ClientID, in.Username, in.Kind)
	if status != http.StatusOK {
		sideError(w, status, msg)
		return
	}
	writeSide(w, http.StatusOK, map[string]string{"token": tok})
}

// MintToken mints a token of kind (see TokenKinds; empty means access) for
// a user of the pool (empty: the default pool) through the pool's client
// (empty: its first client). It reports an HTTP status and message on
// failure.
func (s *Server) MintToken(poolID, clientID, username, kind string) (token string, status int, msg string) {
	p := s.sidePool(poolID)
	if p == nil {
		return "", http.StatusNotFound, "no such user pool"
	}
	cl := p.firstClient()
	if clientID != "" {
		cl = p.client(clientID)
	}
	if cl == nil {
		return "", http.StatusNotFound, "no such client"
	}
	u := p.users.get(username)
	if u == nil || u.state().deleted {
		return "", http.StatusNotFound, "no such user"
	}
	if kind == "" {
		kind = KindAccess
	}
	now := s.now()
	tok, ok := s.mintSpecial(kind, s.newSession(p, cl, u, now), now)
	if !ok {
		return "", http.StatusBadRequest, "unknown kind: use one of access, expired, wrong_scope, other_pool, other_client, id_token, unknown_kid, hs256, alg_none"
	}
	return tok, http.StatusOK, ""
}

// userView is a user's state as the side door shows it (no password).
type userView struct {
	Username   string            `json:"username"`
	Sub        string            `json:"sub"`
	PoolID     string            `json:"poolId"`
	Status     string            `json:"status"`
	Enabled    bool              `json:"enabled"`
	Deleted    bool              `json:"deleted"`
	Attributes map[string]string `json:"attributes"`
}

func (s *Server) viewUser(p *pool, u *user) userView {
	u.mu.Lock()
	defer u.mu.Unlock()
	attrs := make(map[string]string, len(u.attrs))
	for k, v := range u.attrs {
		attrs[k] = v
	}
	return userView{Username: u.username, Sub: u.sub, PoolID: p.id, Status: u.status, Enabled: u.enabled, Deleted: u.deleted, Attributes: attrs}
}

func (s *Server) serveGetUser(w http.ResponseWriter, r *http.Request) {
	p := s.sidePool(r.URL.Query().Get("poolId"))
	if p == nil {
		sideError(w, http.StatusNotFound, "no such user pool")
		return
	}
	u := p.users.get(r.PathValue("username"))
	if u == nil {
		sideError(w, http.StatusNotFound, "no such user")
		return
	}
	writeSide(w, http.StatusOK, s.viewUser(p, u))
}

func (s *Server) serveSetUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Status     *string           `json:"status"`
		Enabled    *bool             `json:"enabled"`
		Deleted    *bool             `json:"deleted"`
		Attributes map[string]string `json:"attributes"`
	}
	if !decodeSide(w, r, &in) {
		return
	}
	p := s.sidePool(r.URL.Query().Get("poolId"))
	if p == nil {
		sideError(w, http.StatusNotFound, "no such user pool")
		return
	}
	u := p.users.get(r.PathValue("username"))
	if u == nil {
		sideError(w, http.StatusNotFound, "no such user")
		return
	}
	if in.Status != nil {
		switch *in.Status {
		case StatusConfirmed, StatusUnconfirmed, StatusResetRequired, StatusForceChangePassword:
		default:
			sideError(w, http.StatusBadRequest, "status: use CONFIRMED, UNCONFIRMED, RESET_REQUIRED or FORCE_CHANGE_PASSWORD")
			return
		}
	}
	disable := in.Enabled != nil && !*in.Enabled
	u.mu.Lock()
	if in.Status != nil {
		u.status = *in.Status
	}
	if in.Enabled != nil {
		u.enabled = *in.Enabled
	}
	if in.Deleted != nil {
		u.deleted = *in.Deleted
	}
	for k, v := range in.Attributes {
		if v == "" {
			delete(u.attrs, k)
		} else {
			u.attrs[k] = v
		}
	}
	u.modified = s.now()
	u.mu.Unlock()
	if disable {
		// AdminDisableUser revokes the user's tokens; re-enabling does not
		// bring them back.
		s.signOut(u)
	}
	writeSide(w, http.StatusOK, s.viewUser(p, u))
}
