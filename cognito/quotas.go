package cognito

// Request-rate quota categories of the user pools API and their default
// rates (requests per second, per account and Region), from the developer
// guide's quotas page
// (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html#category_operations).
const (
	CategoryUserAuthentication     = "UserAuthentication"
	CategoryUserCreation           = "UserCreation"
	CategoryUserFederation         = "UserFederation"
	CategoryUserAccountRecovery    = "UserAccountRecovery"
	CategoryUserRead               = "UserRead"
	CategoryUserUpdate             = "UserUpdate"
	CategoryUserToken              = "UserToken"
	CategoryUserResourceRead       = "UserResourceRead"
	CategoryUserResourceUpdate     = "UserResourceUpdate"
	CategoryUserList               = "UserList"
	CategoryUserPoolRead           = "UserPoolRead"
	CategoryUserPoolUpdate         = "UserPoolUpdate"
	CategoryUserPoolResourceRead   = "UserPoolResourceRead"
	CategoryUserPoolResourceUpdate = "UserPoolResourceUpdate"
	CategoryUserPoolClientRead     = "UserPoolClientRead"
	CategoryUserPoolClientUpdate   = "UserPoolClientUpdate"
	CategoryClientAuthentication   = "ClientAuthentication"
)

// CategoryRPS is each category's default quota in requests per second.
var CategoryRPS = map[string]float64{
	CategoryUserAuthentication: 120, CategoryUserCreation: 50, CategoryUserFederation: 25,
	CategoryUserAccountRecovery: 30, CategoryUserRead: 120, CategoryUserUpdate: 25, CategoryUserToken: 120,
	CategoryUserResourceRead: 50, CategoryUserResourceUpdate: 25, CategoryUserList: 30, CategoryUserPoolRead: 15,
	CategoryUserPoolUpdate: 15, CategoryUserPoolResourceRead: 20, CategoryUserPoolResourceUpdate: 15,
	CategoryUserPoolClientRead: 15, CategoryUserPoolClientUpdate: 15, CategoryClientAuthentication: 150,
}

// operationCategory is the category of each operation cogload speaks.
var operationCategory = map[string]string{
	OpGetUserAttributeVerificationCode: CategoryUserResourceRead,
	OpVerifyUserAttribute:              CategoryUserUpdate,
	OpInitiateAuth:                     CategoryUserAuthentication,
	OpGetUser:                          CategoryUserRead,
	OpGlobalSignOut:                    CategoryUserUpdate,
	OpRevokeToken:                      CategoryUserToken,
	OpCreateUserPool:                   CategoryUserPoolUpdate,
	OpDeleteUserPool:                   CategoryUserPoolUpdate,
	OpCreateUserPoolClient:             CategoryUserPoolClientUpdate,
	OpDeleteUserPoolClient:             CategoryUserPoolClientUpdate,
	OpAdminCreateUser:                  CategoryUserCreation,
	OpAdminSetUserPassword:             CategoryUserAccountRecovery,
	OpAdminGetUser:                     CategoryUserRead,
	OpAdminDisableUser:                 CategoryUserUpdate,
	OpAdminEnableUser:                  CategoryUserUpdate,
	OpAdminDeleteUser:                  CategoryUserUpdate,
	OpAdminUserGlobalSignOut:           CategoryUserUpdate,
	OpAdminUpdateUserAttributes:        CategoryUserUpdate,
	OpDescribeUserPool:                 CategoryUserPoolRead,
	OpDescribeUserPoolClient:           CategoryUserPoolClientRead,
	OpListUsers:                        CategoryUserList,
}

// CategoryOf returns the quota category of an operation, "" for one the
// table does not hold.
func CategoryOf(op string) string { return operationCategory[op] }

// GUAVCCategoryRPS is the default quota of GetUserAttributeVerificationCode's
// category.
func GUAVCCategoryRPS() float64 { return CategoryRPS[CategoryOf(OpGetUserAttributeVerificationCode)] }

// Per-user and account limits from the same quotas page.
const (
	// PerUserRPS is each user's rate of read requests, and separately of
	// write requests, per second.
	PerUserRPS = 10
	// CodesPerUserHour is how many GetUserAttributeVerificationCode
	// requests a user may make an hour; the next gets LimitExceededException.
	CodesPerUserHour = 5
	// DefaultEmailsPerDay is how many emails an account sends a day with
	// Cognito's default email (COGNITO_DEFAULT), across its pools.
	DefaultEmailsPerDay = 50
)

// SESSimulator is the domain of the Amazon SES mailbox simulator: mail to
// success+<label>@ it is accepted and dropped, counts against no sending
// quota and no reputation metric, and is billed as any SES email
// (https://docs.aws.amazon.com/ses/latest/dg/send-an-email-from-console.html#send-email-simulator).
const SESSimulator = "simulator.amazonses.com"
