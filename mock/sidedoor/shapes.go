// Package sidedoor is the contract of the mock's test helpers under
// /_mock/: the paths, the request and response shapes the mock's handlers
// encode, and a typed Client for them. The mock imports it for the shapes,
// so the server and its clients cannot drift apart; clients import it
// without linking the mock.
//
// It imports only the standard library and the module's floor (cognito,
// domain).
package sidedoor

import (
	"time"

	"github.com/cogload/cogload/domain"
)

// Paths of the side doors.
const (
	// PathInfo answers Info (GET).
	PathInfo = "/_mock/info"
	// PathOutbox lists deliveries (GET, query OutboxQuery) or clears them
	// (DELETE).
	PathOutbox = "/_mock/outbox"
	// PathTokens mints a special token (POST MintRequest → MintResponse).
	PathTokens = "/_mock/tokens"
	// PathUsers, followed by a username, reads (GET) or changes (POST
	// UserUpdate) a user; both answer User. Query poolId picks the pool.
	PathUsers = "/_mock/users/"
	// PathReset clears quota counters and the outbox (POST).
	PathReset = "/_mock/reset"
)

// Info is the contract `cogload mock` prints on its first stdout line and
// GET /_mock/info returns: where the mock is and how to sign in to its
// default pool.
type Info struct {
	Endpoint   string `json:"endpoint"`
	Region     string `json:"region"`
	UserPoolID string `json:"userPoolId"`
	ClientID   string `json:"clientId"`
	// Users are working users of the default pool; the first one has an
	// email address. Printing them never prints a password.
	Users []domain.Credential `json:"users"`
}

// Delivery is one code the mock "sent", as GET /_mock/outbox lists it.
type Delivery struct {
	Time        time.Time `json:"time"`
	PoolID      string    `json:"poolId"`
	Username    string    `json:"username"`
	Attribute   string    `json:"attribute"`
	Medium      string    `json:"medium"`
	Destination string    `json:"destination"`
	Code        string    `json:"code"`
	// ClientMetadata is what the custom-message trigger saw: null when the
	// request had none, {} when it had an empty map. Nil without a trigger
	// or when capture is off.
	ClientMetadata map[string]string `json:"clientMetadata"`
	// TriggerSource is CustomMessage_VerifyUserAttribute when the trigger
	// ran, else empty.
	TriggerSource string `json:"triggerSource"`
}

// Outbox is the answer of GET /_mock/outbox: deliveries oldest first.
type Outbox struct {
	Deliveries []Delivery `json:"deliveries"`
}

// OutboxQuery filters GET /_mock/outbox; empty fields match everything.
type OutboxQuery struct {
	PoolID    string
	Username  string
	Attribute string
	// Limit keeps only the newest Limit deliveries (0: all).
	Limit int
}

// Special token kinds POST /_mock/tokens mints.
const (
	KindAccess     = "access"
	KindExpired    = "expired"
	KindWrongScope = "wrong_scope"
	// KindOtherPool is signed by a key, for an issuer, that no pool of
	// the endpoint has: refused. A genuine token of another pool of the
	// same endpoint is accepted for its own user (token.other-pool in
	// docs/fidelity.md).
	KindOtherPool   = "other_pool"
	KindOtherClient = "other_client"
	KindIDToken     = "id_token"
	KindUnknownKid  = "unknown_kid"
	KindHS256       = "hs256"
	KindAlgNone     = "alg_none"
)

// Kinds lists the token kinds the mock mints.
func Kinds() []string {
	return []string{KindAccess, KindExpired, KindWrongScope, KindOtherPool, KindOtherClient, KindIDToken, KindUnknownKid, KindHS256, KindAlgNone}
}

// MintRequest asks for a token of Kind (empty: access) for a user of the
// pool PoolID (empty: the default pool) through ClientID (empty: the
// pool's first client).
type MintRequest struct {
	Username string `json:"username"`
	Kind     string `json:"kind"`
	PoolID   string `json:"poolId"`
	ClientID string `json:"clientId"`
}

// MintResponse carries the minted token.
type MintResponse struct {
	Token string `json:"token"`
}

// User is a user's state as the side door shows it (never the password).
type User struct {
	Username   string            `json:"username"`
	Sub        string            `json:"sub"`
	PoolID     string            `json:"poolId"`
	Status     string            `json:"status"`
	Enabled    bool              `json:"enabled"`
	Deleted    bool              `json:"deleted"`
	Attributes map[string]string `json:"attributes"`
}

// UserUpdate changes a user; nil fields are left as they are. Disabling
// revokes the user's tokens; an empty attribute value deletes the
// attribute.
type UserUpdate struct {
	// Status is CONFIRMED, UNCONFIRMED, RESET_REQUIRED or
	// FORCE_CHANGE_PASSWORD.
	Status     *string           `json:"status,omitempty"`
	Enabled    *bool             `json:"enabled,omitempty"`
	Deleted    *bool             `json:"deleted,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// ErrorBody is the answer of a side door that failed.
type ErrorBody struct {
	Error string `json:"error"`
}
