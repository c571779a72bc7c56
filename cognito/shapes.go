package cognito

// Attribute names the service can verify. Any other name is refused with
// InvalidParameterException (MsgInvalidAttributeName).
const (
	AttributeEmail       = "email"
	AttributePhoneNumber = "phone_number"
)

// Delivery media of CodeDeliveryDetails.
const (
	MediumEmail = "EMAIL"
	MediumSMS   = "SMS"
)

// GetUserAttributeVerificationCodeInput is the request body of
// GetUserAttributeVerificationCode.
//
// ClientMetadata distinguishes absent (nil, omitted on the wire) from an
// empty map (sent as {}): both are valid and a custom-message trigger sees
// the difference.
type GetUserAttributeVerificationCodeInput struct {
	AccessToken    string            `json:"AccessToken"`
	AttributeName  string            `json:"AttributeName"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitzero"`
}

// CodeDeliveryDetails says where a code went; Destination is masked.
type CodeDeliveryDetails struct {
	AttributeName  string `json:"AttributeName,omitempty"`
	DeliveryMedium string `json:"DeliveryMedium,omitempty"`
	Destination    string `json:"Destination,omitempty"`
}

// GetUserAttributeVerificationCodeOutput is the success response body.
type GetUserAttributeVerificationCodeOutput struct {
	CodeDeliveryDetails *CodeDeliveryDetails `json:"CodeDeliveryDetails,omitempty"`
}

// VerifyUserAttributeInput is the request body of VerifyUserAttribute.
type VerifyUserAttributeInput struct {
	AccessToken   string `json:"AccessToken"`
	AttributeName string `json:"AttributeName"`
	Code          string `json:"Code"`
}

// Auth flows of InitiateAuth that the mock supports.
const (
	FlowUserPasswordAuth = "USER_PASSWORD_AUTH"
	FlowRefreshTokenAuth = "REFRESH_TOKEN_AUTH"
	FlowRefreshToken     = "REFRESH_TOKEN" // alias accepted by the service
)

// InitiateAuthInput is the request body of InitiateAuth.
type InitiateAuthInput struct {
	AuthFlow       string            `json:"AuthFlow"`
	ClientId       string            `json:"ClientId"`
	AuthParameters map[string]string `json:"AuthParameters,omitempty"`
	ClientMetadata map[string]string `json:"ClientMetadata,omitzero"`
}

// AuthenticationResult carries the tokens InitiateAuth returns.
type AuthenticationResult struct {
	AccessToken  string `json:"AccessToken,omitempty"`
	ExpiresIn    int32  `json:"ExpiresIn,omitempty"`
	IdToken      string `json:"IdToken,omitempty"`
	RefreshToken string `json:"RefreshToken,omitempty"`
	TokenType    string `json:"TokenType,omitempty"`
}

// InitiateAuthOutput is the response body of InitiateAuth.
type InitiateAuthOutput struct {
	AuthenticationResult *AuthenticationResult `json:"AuthenticationResult,omitempty"`
	ChallengeName        string                `json:"ChallengeName,omitempty"`
	Session              string                `json:"Session,omitempty"`
	ChallengeParameters  map[string]string     `json:"ChallengeParameters,omitempty"`
}

// AccessTokenInput is the request body of GetUser and GlobalSignOut.
type AccessTokenInput struct {
	AccessToken string `json:"AccessToken"`
}

// AttributeType is a name/value pair of a user attribute.
type AttributeType struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// GetUserOutput is the response body of GetUser.
type GetUserOutput struct {
	Username       string          `json:"Username"`
	UserAttributes []AttributeType `json:"UserAttributes"`
}

// RevokeTokenInput is the request body of RevokeToken.
type RevokeTokenInput struct {
	Token        string `json:"Token"`
	ClientId     string `json:"ClientId"`
	ClientSecret string `json:"ClientSecret,omitempty"`
}
