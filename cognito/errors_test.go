package cognito

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestCatalogHasEighteenGUAVCErrors(t *testing.T) {
	got := GUAVCErrors()
	if len(got) != 18 {
		t.Fatalf("GUAVCErrors() = %d errors, want the 18 of the reference", len(got))
	}
	for _, s := range got {
		if s.Class == "" {
			t.Errorf("%s has no class", s.Name)
		}
		if s.ObservedStatus == 0 || s.ModelStatus == 0 {
			t.Errorf("%s lacks a status: observed %d model %d", s.Name, s.ObservedStatus, s.ModelStatus)
		}
		if s.ServerFault != (s.Class == ClassServer) {
			t.Errorf("%s: server fault %v but class %s", s.Name, s.ServerFault, s.Class)
		}
	}
}

func TestStatusModes(t *testing.T) {
	tests := []struct {
		name            string
		observed, model int
	}{
		{ErrNotAuthorized, 400, 403},
		{ErrTooManyRequests, 400, 429},
		{ErrUserNotFound, 400, 404},
		{ErrResourceNotFound, 400, 404},
		{ErrForbidden, 403, 403}, // captured with 403 (WAF block)
		{ErrUnauthorized, 400, 401},
		{ErrBadRequest, 404, 404},
		{ErrInternalError, 500, 500},
		{ErrLimitExceeded, 400, 400},
	}
	for _, tt := range tests {
		e := NewError(tt.name, "")
		if got := e.Status(StatusObserved); got != tt.observed {
			t.Errorf("%s observed status = %d, want %d", tt.name, got, tt.observed)
		}
		if got := e.Status(StatusModel); got != tt.model {
			t.Errorf("%s model status = %d, want %d", tt.name, got, tt.model)
		}
	}
}

func TestWriteErrorWireFormat(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, "req-1", NewError(ErrNotAuthorized, MsgAccessTokenExpired), StatusObserved)
	if rec.Code != 400 {
		t.Errorf("status = %d, want 400", rec.Code)
	}
	h := rec.Header()
	for k, want := range map[string]string{
		"Content-Type":        ContentType,
		"X-Amzn-Errortype":    "NotAuthorizedException:",
		"X-Amzn-Errormessage": MsgAccessTokenExpired,
		"X-Amzn-Requestid":    "req-1",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if got, want := rec.Body.String(), `{"__type":"NotAuthorizedException","message":"Access Token has expired"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		name     string
		header   http.Header
		body     string
		typ, msg string
		ok       bool
	}{
		{"header wins", http.Header{"X-Amzn-Errortype": {"LimitExceededException:"}}, `{"__type":"Other","message":"m"}`, "LimitExceededException", "m", true},
		{"namespaced body type", nil, `{"__type":"com.amazonaws.cognito#NotAuthorizedException","Message":"M"}`, "NotAuthorizedException", "M", true},
		{"code member", nil, `{"code":"TooManyRequestsException"}`, "TooManyRequestsException", "", true},
		{"message from header", http.Header{"X-Amzn-Errortype": {"X:"}, "X-Amzn-Errormessage": {"hm"}}, ``, "X", "hm", true},
		{"success body", nil, `{"CodeDeliveryDetails":{}}`, "", "", false},
		{"not json", nil, `<html>`, "", "", false},
	}
	for _, tt := range tests {
		typ, msg, ok := ParseError(tt.header, []byte(tt.body))
		if typ != tt.typ || msg != tt.msg || ok != tt.ok {
			t.Errorf("%s: ParseError = (%q, %q, %v), want (%q, %q, %v)", tt.name, typ, msg, ok, tt.typ, tt.msg, tt.ok)
		}
	}
}

// TestSDKDecodesEveryCatalogError proves the encoding is what aws-sdk-go-v2
// expects: each GUAVC error, in both status modes, arrives as its modelled
// type with our message and status.
func TestSDKDecodesEveryCatalogError(t *testing.T) {
	for _, mode := range []StatusMode{StatusObserved, StatusModel} {
		for _, spec := range GUAVCErrors() {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				WriteError(w, "rid-"+spec.Name, NewError(spec.Name, "msg of "+spec.Name), mode)
			}))
			c := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{}})
			_, err := c.GetUserAttributeVerificationCode(context.Background(), &cip.GetUserAttributeVerificationCodeInput{
				AccessToken: aws.String("a.b.c"), AttributeName: aws.String("email"),
			})
			srv.Close()
			var api smithy.APIError
			if !errors.As(err, &api) {
				t.Fatalf("%s/%s: err = %v, want an API error", mode, spec.Name, err)
			}
			if _, generic := api.(*smithy.GenericAPIError); generic {
				t.Errorf("%s/%s: decoded as a generic error, want the modelled type", mode, spec.Name)
			}
			if api.ErrorCode() != spec.Name || api.ErrorMessage() != "msg of "+spec.Name {
				t.Errorf("%s/%s: got %s %q", mode, spec.Name, api.ErrorCode(), api.ErrorMessage())
			}
			wantFault := smithy.FaultClient
			if spec.ServerFault {
				wantFault = smithy.FaultServer
			}
			if api.ErrorFault() != wantFault {
				t.Errorf("%s/%s: fault %v, want %v", mode, spec.Name, api.ErrorFault(), wantFault)
			}
			var re *smithyhttp.ResponseError
			if errors.As(err, &re) && re.HTTPStatusCode() != spec.Status(mode) {
				t.Errorf("%s/%s: status %d, want %d", mode, spec.Name, re.HTTPStatusCode(), spec.Status(mode))
			}
		}
	}
}

func TestOperationFromTarget(t *testing.T) {
	if op, ok := OperationFromTarget(Target(OpGetUser)); !ok || op != OpGetUser {
		t.Errorf("round trip gave %q %v", op, ok)
	}
	for _, bad := range []string{"", "GetUser", TargetPrefix, "AWSCognitoIdentityService.GetUser"} {
		if _, ok := OperationFromTarget(bad); ok {
			t.Errorf("OperationFromTarget(%q) accepted", bad)
		}
	}
}

func TestNewRequestIDIsUUIDv4(t *testing.T) {
	a, b := NewRequestID(), NewRequestID()
	if a == b || len(a) != 36 || a[14] != '4' || a[8] != '-' {
		t.Errorf("request ids %q %q are not distinct UUIDv4", a, b)
	}
}

func TestTriggerMessages(t *testing.T) {
	if got, want := triggerFailed("CustomMessage", "Pending for approval"), "CustomMessage failed with error Pending for approval."; got != want {
		t.Errorf("triggerFailed = %q, want %q", got, want)
	}
	// A message that ends with a period does not get a second one.
	if got, want := triggerFailed("PreSignUp", "callback is not a function."), "PreSignUp failed with error callback is not a function."; got != want {
		t.Errorf("triggerFailed = %q, want %q", got, want)
	}
	if got, want := triggerNotInvoked("PostAuthentication", "Socket timeout while invoking Lambda function"),
		"PostAuthentication invocation failed due to error Socket timeout while invoking Lambda function."; got != want {
		t.Errorf("triggerNotInvoked = %q, want %q", got, want)
	}
}

func TestWriteUnmapped(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteUnmapped(rec, "req-1")
	if rec.Code != 404 {
		t.Errorf("status %d, want 404", rec.Code)
	}
	typ, msg, ok := ParseError(rec.Header(), rec.Body.Bytes())
	if !ok || typ != ErrBadRequest || msg != MsgBadRequest {
		t.Errorf("parsed %q %q %v, want BadRequest with the captured message", typ, msg, ok)
	}
	if rec.Header().Get(HeaderErrorType) != "" {
		t.Error("the captured answer has no x-amzn-ErrorType")
	}
}
