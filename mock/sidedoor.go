package mock

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/cogload/cogload/internal/jws"
	"github.com/cogload/cogload/mock/sidedoor"
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
	m.HandleFunc("GET "+sidedoor.PathInfo, func(w http.ResponseWriter, r *http.Request) {
		writeSide(w, http.StatusOK, s.Info("http://"+r.Host))
	})
	m.HandleFunc("GET "+sidedoor.PathOutbox, s.serveOutbox)
	m.HandleFunc("DELETE "+sidedoor.PathOutbox, func(w http.ResponseWriter, _ *http.Request) {
		s.outbox.clear()
		w.WriteHeader(http.StatusNoContent)
	})
	m.HandleFunc("POST "+sidedoor.PathTokens, s.serveMintToken)
	m.HandleFunc("GET "+sidedoor.PathUsers+"{username}", s.serveGetUser)
	m.HandleFunc("POST "+sidedoor.PathUsers+"{username}", s.serveSetUser)
	m.HandleFunc("POST "+sidedoor.PathReset, func(w http.ResponseWriter, _ *http.Request) {
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
	for _, b := range s.categoryBuckets {
		b.Reset()
	}
	s.perUserRead.Reset()
	s.perUserWrite.Reset()
	s.codes.Reset()
	s.verifies.Reset()
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
	writeSide(w, status, sidedoor.ErrorBody{Error: msg})
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
	list := s.outbox.list(func(d *sidedoor.Delivery) bool {
		return (username == "" || d.Username == username) && (attr == "" || d.Attribute == attr) && (poolID == "" || d.PoolID == poolID)
	}, limit)
	writeSide(w, http.StatusOK, sidedoor.Outbox{Deliveries: list})
}

// Outbox returns the recorded deliveries, oldest first.
func (s *Server) Outbox() []sidedoor.Delivery {
	return s.outbox.list(func(*sidedoor.Delivery) bool { return true }, 0)
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
	var in sidedoor.MintRequest
	if !decodeSide(w, r, &in) {
		return
	}
	tok, status, msg := s.MintToken(in.PoolID, in.ClientID, in.Username, in.Kind)
	if status != http.StatusOK {
		sideError(w, status, msg)
		return
	}
	writeSide(w, http.StatusOK, sidedoor.MintResponse{Token: tok})
}

// MintToken mints a token of kind (see sidedoor.Kinds; empty means access) for
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
		kind = sidedoor.KindAccess
	}
	now := s.now()
	tok, ok := s.mintSpecial(kind, s.newSession(p, cl, u, now), now)
	if !ok {
		return "", http.StatusBadRequest, "unknown kind: use one of access, expired, wrong_scope, other_pool, other_client, id_token, unknown_kid, hs256, alg_none"
	}
	return tok, http.StatusOK, ""
}

func (s *Server) viewUser(p *pool, u *user) sidedoor.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	attrs := make(map[string]string, len(u.attrs))
	for k, v := range u.attrs {
		attrs[k] = v
	}
	return sidedoor.User{Username: u.username, Sub: u.sub, PoolID: p.id, Status: u.status, Enabled: u.enabled, Deleted: u.deleted, Attributes: attrs}
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
	var in sidedoor.UserUpdate
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
