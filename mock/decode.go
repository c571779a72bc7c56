package mock

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"

	"github.com/cogload/cogload/cognito"
)

// Request limits. The service's largest legal GUAVC body holds ClientMetadata
// values of up to 131072 characters each; 4 MiB leaves room for several while
// bounding memory per request.
const (
	MaxBodyBytes = 4 << 20
	MaxJSONDepth = 64
)

var (
	errBodyTooLarge = errors.New("request body too large")
	errNotObject    = errors.New("request body is not a JSON object")
)

// serialization is the answer to a body the service cannot parse.
func serialization(msg string) *cognito.Error {
	return cognito.NewError(cognito.ErrSerialization, msg)
}

// acceptableContentType reports whether ct is a JSON 1.1 body. The service
// (like the SDKs) sends application/x-amz-json-1.1; plain application/json
// is accepted too, as the service's front end does. A missing Content-Type
// is accepted as JSON 1.1.
func acceptableContentType(ct string) bool {
	if ct == "" || ct == cognito.ContentType {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == cognito.ContentType || mt == "application/json"
}

// readBody reads at most MaxBodyBytes into buf.
func readBody(r *http.Request, buf []byte) ([]byte, error) {
	if r.ContentLength > MaxBodyBytes {
		return nil, errBodyTooLarge
	}
	lr := io.LimitReader(r.Body, MaxBodyBytes+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxBodyBytes {
			return nil, errBodyTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// checkJSON rejects what encoding/json would silently accept or mangle:
// invalid UTF-8 (it substitutes U+FFFD), excessive nesting, and anything but
// a JSON object at the top. Well-formed bodies, nearly every request, take
// one pass (validRequestJSON); only a rejected one is read again to pick
// the message.
func checkJSON(body []byte) *cognito.Error {
	if len(body) == 0 {
		return nil // an empty body is an empty request, as the service treats it
	}
	if validRequestJSON(body) {
		return nil
	}
	return checkJSONSlow(body)
}

// checkJSONSlow is the reference check, three passes in the order that
// decides the message: UTF-8 first, then syntax, then depth, then shape.
func checkJSONSlow(body []byte) *cognito.Error {
	if len(body) == 0 {
		return nil
	}
	if !utf8.Valid(body) {
		return serialization("Invalid UTF-8 in request body")
	}
	if !json.Valid(body) {
		return serialization("Unexpected character in request body: not valid JSON")
	}
	depth, inStr, esc := 0, false, false
	for _, c := range body {
		switch {
		case esc:
			esc = false
		case inStr:
			if c == '\\' {
				esc = true
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
			if depth > MaxJSONDepth {
				return serialization("Request body nested too deeply")
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	if first := firstNonSpace(body); first != '{' {
		return serialization("Start of structure expected: the request body must be a JSON object")
	}
	return nil
}

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

// eachMember calls fn for every top-level member of a JSON object already
// checked by checkJSON. Keys are compared exactly (case-sensitively), unlike
// encoding/json's field matching, because the service ignores unknown
// members such as "accesstoken".
func eachMember(body []byte, fn func(key, val []byte) error) error {
	i := skipSpace(body, 0)
	if i >= len(body) {
		return nil // empty body
	}
	if body[i] != '{' {
		return errNotObject
	}
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return nil
	}
	for i < len(body) {
		ks := i
		if body[ks] != '"' {
			return errNotObject
		}
		i = skipString(body, i)
		if i > len(body) || i-1 < ks+1 {
			return errNotObject
		}
		key := body[ks+1 : i-1]
		i = skipSpace(body, i)
		if i >= len(body) || body[i] != ':' {
			return errNotObject
		}
		vs := skipSpace(body, i+1)
		i = skipValue(body, vs)
		if vs >= len(body) || i > len(body) || i <= vs {
			return errNotObject
		}
		if err := fn(key, body[vs:i]); err != nil {
			return err
		}
		i = skipSpace(body, i)
		if i >= len(body) || body[i] == '}' {
			return nil
		}
		if body[i] != ',' {
			return errNotObject
		}
		i = skipSpace(body, i+1)
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) int {
	i++
	if i < len(b) {
		i += plainPrefix(b[i:])
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b) + 1 // unterminated
}

// skipValue returns the index after the (valid) JSON value at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return i
		}
		i++
	}
	return i
}

// decodeString decodes a JSON string member. null reads as absent; any
// other type is a serialization error.
func decodeString(val []byte) (s string, present bool, e *cognito.Error) {
	if string(val) == "null" {
		return "", false, nil
	}
	if len(val) < 2 || val[0] != '"' {
		return "", false, serialization("Unexpected value type: expected a string")
	}
	inner := val[1 : len(val)-1]
	if !hasBackslash(inner) {
		// The verifiable attribute names come in every GUAVC request;
		// answering them with constants saves an allocation each.
		switch string(inner) {
		case cognito.AttributeEmail:
			return cognito.AttributeEmail, true, nil
		case cognito.AttributePhoneNumber:
			return cognito.AttributePhoneNumber, true, nil
		}
		return string(inner), true, nil
	}
	// A local, not the named result: taking the result's address would move
	// it to the heap on every call, plain strings included.
	var out string
	if err := json.Unmarshal(val, &out); err != nil {
		return "", false, serialization("Invalid string value")
	}
	return out, true, nil
}

// guavcRequest is a decoded GUAVC body with presence flags.
type guavcRequest struct {
	in                        cognito.GetUserAttributeVerificationCodeInput
	tokenPresent, namePresent bool
}

// decodeGUAVC decodes a checked body, keeping absent ClientMetadata (nil)
// apart from an empty one ({}).
func decodeGUAVC(body []byte) (guavcRequest, *cognito.Error) {
	var r guavcRequest
	var ce *cognito.Error
	err := eachMember(body, func(key, val []byte) error {
		switch string(key) {
		case "AccessToken":
			r.in.AccessToken, r.tokenPresent, ce = decodeString(val)
		case "AttributeName":
			r.in.AttributeName, r.namePresent, ce = decodeString(val)
		case "ClientMetadata":
			if string(val) == "null" {
				return nil
			}
			if val[0] != '{' {
				ce = serialization("Unexpected value type: ClientMetadata must be a map of strings")
				return errNotObject
			}
			md := map[string]string{}
			if json.Unmarshal(val, &md) != nil {
				ce = serialization("Unexpected value type: ClientMetadata must be a map of strings")
				return errNotObject
			}
			r.in.ClientMetadata = md
		}
		if ce != nil {
			return errNotObject
		}
		return nil
	})
	if ce != nil {
		return r, ce
	}
	if err != nil {
		return r, serialization("Start of structure expected")
	}
	return r, nil
}

// decodeInto decodes the body of the less hot operations with
// encoding/json. The body was checked by checkJSON.
func decodeInto(body []byte, v any) *cognito.Error {
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return serialization("Unexpected value type in request body")
	}
	return nil
}
