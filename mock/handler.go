package mock

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/internal/quota"
)

var bodyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// call is one API request being answered.
type call struct {
	ctx context.Context
	w   http.ResponseWriter
	rid string
	op  string
	// bucket is op's category bucket (nil: op is not charged).
	bucket *quota.Bucket
	body   []byte
	now    time.Time
	// waited is the latency the call already slept (the trigger's).
	waited time.Duration
}

// ServeHTTP answers the API on POST / and the side doors on their paths.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		w.Header().Set(cognito.HeaderRequestID, cognito.NewRequestID())
		s.side.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	c := call{ctx: r.Context(), w: w, rid: cognito.NewRequestID(), op: "unknown"}
	outcome := s.serveAPI(&c, r)
	elapsed := time.Since(start)
	s.metrics.observe(c.op, outcome, elapsed.Seconds())
	if l := s.opts.logger; l != nil {
		l.LogAttrs(c.ctx, slog.LevelInfo, "request", slog.String("requestId", c.rid), slog.String("operation", c.op),
			slog.String("outcome", outcome), slog.Duration("duration", elapsed))
	}
}

func (s *Server) serveAPI(c *call, r *http.Request) string {
	op, ok := cognito.OperationFromTarget(r.Header.Get(cognito.HeaderTarget))
	if r.Method != http.MethodPost || !ok {
		// No operation to map the request to (protocol.unmapped).
		cognito.WriteUnmapped(c.w, c.rid)
		return cognito.ErrBadRequest
	}
	o, known := s.ops[op]
	if !known {
		return s.fail(c, cognito.NewError(cognito.ErrUnknownOperation, ""))
	}
	c.op, c.bucket = op, o.bucket
	if !acceptableContentType(r.Header.Get("Content-Type")) {
		return s.fail(c, serialization("Unsupported Content-Type: use "+cognito.ContentType))
	}
	bp := bodyBufs.Get().(*[]byte)
	body, err := readBody(r, (*bp)[:0])
	defer func() {
		if cap(body) <= 64<<10 {
			*bp = body[:0]
		}
		bodyBufs.Put(bp)
	}()
	if err != nil {
		if err == errBodyTooLarge {
			return s.fail(c, serialization("Request body too large"))
		}
		return s.fail(c, serialization("Could not read the request body"))
	}
	if e := checkJSON(body); e != nil {
		return s.fail(c, e)
	}
	c.body = body
	// Quotas, tokens and codes are judged as the request arrives; the
	// answer then waits out its latency, which may depend on the outcome.
	c.now = s.now()
	if !s.holdAnswers {
		return o.handle(c)
	}
	held := heldAnswers.Get().(*heldAnswer)
	held.w, c.w = c.w, held
	outcome := o.handle(c)
	s.opts.sleep(c.ctx, s.answerDelay(c, outcome))
	c.w = held.release()
	heldAnswers.Put(held)
	return outcome
}

var heldAnswers = sync.Pool{New: func() any { return &heldAnswer{body: make([]byte, 0, 512)} }}

// heldAnswer keeps an answer (status and body; headers go straight to the
// real writer's map, which is sent only with the status) until its
// latency has passed.
type heldAnswer struct {
	w      http.ResponseWriter
	status int
	body   []byte
}

func (h *heldAnswer) Header() http.Header { return h.w.Header() }

func (h *heldAnswer) WriteHeader(code int) {
	if h.status == 0 {
		h.status = code
	}
}

func (h *heldAnswer) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	h.body = append(h.body, b...)
	return len(b), nil
}

// release writes the held answer to the real writer, returns it and
// readies h for reuse.
func (h *heldAnswer) release() http.ResponseWriter {
	w := h.w
	if h.status == 0 {
		h.status = http.StatusOK
	}
	w.WriteHeader(h.status)
	_, _ = w.Write(h.body)
	h.w, h.status = nil, 0
	if cap(h.body) > 64<<10 {
		h.body = make([]byte, 0, 512)
	}
	h.body = h.body[:0]
	return w
}

// tokenOrClientAuthorized are the operations that name their account only
// through a token or an app client id; they charge their category once
// that is resolved.
var tokenOrClientAuthorized = map[string]bool{
	cognito.OpGetUserAttributeVerificationCode: true, cognito.OpVerifyUserAttribute: true, cognito.OpInitiateAuth: true,
	cognito.OpGetUser: true, cognito.OpGlobalSignOut: true, cognito.OpRevokeToken: true,
}

// fail writes e and returns its type as the outcome.
func (s *Server) fail(c *call, e *cognito.Error) string {
	cognito.WriteError(c.w, c.rid, e, s.mode)
	return e.Type
}

// ok writes a success body and returns the outcome "ok".
func (s *Server) ok(c *call, v any) string {
	cognito.WriteJSON(c.w, c.rid, v)
	return "ok"
}

type opHandler func(*call) string

// operation is an API operation as New prepares it, so a request finds
// all it needs in one lookup.
type operation struct {
	handle opHandler
	// bucket is the operation's category bucket (nil: not charged); see
	// initLimits.
	bucket *quota.Bucket
}

// operations returns the API's operations without their buckets.
func (s *Server) operations() map[string]operation {
	handlers := map[string]opHandler{
		cognito.OpGetUserAttributeVerificationCode: s.getUserAttributeVerificationCode,
		cognito.OpVerifyUserAttribute:              s.verifyUserAttribute,
		cognito.OpInitiateAuth:                     s.initiateAuth,
		cognito.OpGetUser:                          s.getUser,
		cognito.OpGlobalSignOut:                    s.globalSignOut,
		cognito.OpRevokeToken:                      s.revokeToken,
		cognito.OpCreateUserPool:                   s.createUserPool,
		cognito.OpDeleteUserPool:                   s.deleteUserPool,
		cognito.OpCreateUserPoolClient:             s.createUserPoolClient,
		cognito.OpDeleteUserPoolClient:             s.deleteUserPoolClient,
		cognito.OpAdminCreateUser:                  s.adminCreateUser,
		cognito.OpAdminSetUserPassword:             s.adminSetUserPassword,
		cognito.OpAdminGetUser:                     s.adminGetUser,
		cognito.OpAdminDisableUser:                 s.adminDisableUser,
		cognito.OpAdminEnableUser:                  s.adminEnableUser,
		cognito.OpAdminDeleteUser:                  s.adminDeleteUser,
		cognito.OpAdminUserGlobalSignOut:           s.adminUserGlobalSignOut,
		cognito.OpAdminUpdateUserAttributes:        s.adminUpdateUserAttributes,
		cognito.OpDescribeUserPool:                 s.describeUserPool,
		cognito.OpDescribeUserPoolClient:           s.describeUserPoolClient,
		cognito.OpListUsers:                        s.listUsers,
	}
	ops := make(map[string]operation, len(handlers))
	for op, h := range handlers {
		if !tokenOrClientAuthorized[op] {
			h = s.chargedOnArrival(h)
		}
		ops[op] = operation{handle: h}
	}
	return ops
}

// chargedOnArrival charges the category before h runs: SigV4 names the
// account before the body is read, so the category is charged at once
// (quota.counting).
func (s *Server) chargedOnArrival(h opHandler) opHandler {
	return func(c *call) string {
		if e := s.throttle(c); e != nil {
			return s.fail(c, e)
		}
		return h(c)
	}
}

// sanitize keeps a client-supplied word printable and short for messages.
func sanitize(s string) string {
	if len(s) > 32 {
		s = s[:32]
	}
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '?'
		}
	}
	return string(b)
}
