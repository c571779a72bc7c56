package mock

import (
	"encoding/json"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/sidedoor"
)

// getUserAttributeVerificationCode answers GUAVC. The order of checks is
// documented in doc.go; each step answers with the real error and message.
func (s *Server) getUserAttributeVerificationCode(c *call) string {
	// 1 protocol/JSON happened in serveAPI; decoding is part of it.
	req, e := decodeGUAVC(c.body)
	if e != nil {
		return s.fail(c, e)
	}
	// 2 model validation.
	if e := cognito.ValidateGUAVC(req.in, req.tokenPresent, req.namePresent); e != nil {
		return s.fail(c, e)
	}
	// 3 injected faults.
	if typ, ok := s.pickFault(s.faults); ok {
		return s.fail(c, cognito.NewError(typ, ""))
	}
	// 4 the token's signature and issuer, 5 the category quota, 6 the rest
	// of the token and the user's state.
	var v verified // on the stack: the hot path allocates little
	if e := s.checkAccess(c, req.in.AccessToken, &v); e != nil {
		return s.fail(c, e)
	}
	p, u := v.pool, v.user
	userKey := u.quotaKey
	// 7 per-user read rate.
	if e := s.userRate(s.perUserRead, userKey, c.now); e != nil {
		return s.fail(c, e)
	}
	// 8 requests per user per hour, when every request counts.
	countsRequests := s.cfg.Quotas.CodeLimitCounts == CountRequests
	if countsRequests && !s.codeAllowed(userKey, c.now) {
		return s.fail(c, cognito.NewError(cognito.ErrLimitExceeded, cognito.MsgAttemptLimit))
	}
	// 9 attribute rules.
	attr := req.in.AttributeName
	if !cognito.IsVerifiable(attr) {
		return s.fail(c, cognito.NewError(cognito.ErrInvalidParameter, cognito.MsgInvalidAttributeName))
	}
	dest := u.attr(attr)
	medium, masked := cognito.MediumEmail, ""
	if attr == cognito.AttributeEmail {
		if dest == "" {
			return s.fail(c, cognito.NewError(cognito.ErrInvalidParameter, cognito.MsgNoEmail))
		}
		masked = cognito.MaskEmail(dest)
	} else {
		if dest == "" {
			return s.fail(c, cognito.NewError(cognito.ErrInvalidParameter, cognito.MsgNoPhone))
		}
		medium, masked = cognito.MediumSMS, cognito.MaskPhone(dest)
	}
	// 9b codes per user per hour, when only code requests count.
	if !countsRequests && !s.codeAllowed(userKey, c.now) {
		return s.fail(c, cognito.NewError(cognito.ErrLimitExceeded, cognito.MsgAttemptLimit))
	}
	// 10 custom-message trigger.
	d := sidedoor.Delivery{Time: c.now, PoolID: p.id, Username: u.username, Attribute: attr, Medium: medium, Destination: dest}
	if e := s.runTrigger(c, p, &d, req.in.ClientMetadata); e != nil {
		return s.fail(c, e)
	}
	// 11 delivery.
	if e := s.deliver(c, p, medium); e != nil {
		return s.fail(c, e)
	}
	// 12 success.
	d.Code = s.newCode()
	u.mu.Lock()
	if u.codes == nil {
		u.codes = map[string]*code{}
	}
	u.codes[attr] = &code{value: d.Code, expires: c.now.Add(CodeValidity)}
	u.mu.Unlock()
	s.outbox.add(d)
	cognito.WriteRaw(c.w, c.rid, guavcBody(attr, medium, masked))
	return "ok"
}

// runTrigger simulates the CustomMessage_VerifyUserAttribute invocation.
func (s *Server) runTrigger(c *call, p *pool, d *sidedoor.Delivery, md map[string]string) *cognito.Error {
	t := &p.cfg.CustomMessageTrigger
	if !t.Enabled {
		return nil
	}
	s.wait(c, p.triggerLat)
	if typ, ok := s.pickFault(t.Failures); ok {
		return cognito.NewError(typ, "")
	}
	if t.ReturnsEmailMessage && d.Medium == cognito.MediumEmail && p.cfg.Delivery.Email.SendingAccount == SendingCognitoDefault {
		return cognito.NewError(cognito.ErrInvalidLambdaResponse, cognito.MsgUnrecognizableLambda)
	}
	d.TriggerSource = "CustomMessage_VerifyUserAttribute"
	if *t.Capture && md != nil {
		// A copy: the request's map must not be shared with outbox readers.
		cp := make(map[string]string, len(md))
		for k, v := range md {
			cp[k] = v
		}
		d.ClientMetadata = cp
	}
	return nil
}

// deliver applies the delivery configuration: role errors, the daily email
// limit of COGNITO_DEFAULT and the configured failure rates.
func (s *Server) deliver(c *call, p *pool, medium string) *cognito.Error {
	if medium == cognito.MediumEmail {
		e := &p.cfg.Delivery.Email
		if e.RoleError != "" {
			return cognito.NewError(e.RoleError, "")
		}
		if e.SendingAccount == SendingCognitoDefault && !s.opts.noLimits && !s.daily.Allow(c.now) {
			return cognito.NewError(cognito.ErrLimitExceeded, cognito.MsgDailyEmailLimit)
		}
		if s.chance(e.FailureRate) {
			return cognito.NewError(cognito.ErrCodeDeliveryFailure, "")
		}
		return nil
	}
	sms := &p.cfg.Delivery.SMS
	if !*sms.Enabled {
		return cognito.NewError(cognito.ErrInvalidParameter, cognito.MsgNoSMSConfiguration)
	}
	if sms.RoleError != "" {
		return cognito.NewError(sms.RoleError, "")
	}
	if s.chance(sms.FailureRate) {
		return cognito.NewError(cognito.ErrCodeDeliveryFailure, "")
	}
	return nil
}

// codeAllowed counts one GUAVC request against the user's hourly limit.
func (s *Server) codeAllowed(userKey string, now time.Time) bool {
	return s.opts.noLimits || s.codes.Allow(userKey, now)
}

// newCode draws a 6-digit code from the seeded generator.
func (s *Server) newCode() string {
	n := s.randUint64() % 1_000_000
	var b [6]byte
	for i := 5; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

// guavcBody encodes the success response without reflection.
func guavcBody(attr, medium, dest string) []byte {
	b := make([]byte, 0, 96+len(dest))
	b = append(b, `{"CodeDeliveryDetails":{"AttributeName":`...)
	b = appendJSONString(b, attr)
	b = append(b, `,"DeliveryMedium":"`...)
	b = append(b, medium...)
	b = append(b, `","Destination":`...)
	b = appendJSONString(b, dest)
	return append(b, "}}"...)
}

// appendJSONString quotes s for JSON; plain ASCII takes the fast path.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			q, _ := jsonMarshalString(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func jsonMarshalString(s string) ([]byte, error) { return json.Marshal(s) }
