package conformance

import "sort"

// mockPools are pool configurations (the mock's YAML schema) that fill the
// catalog's roles on the mock. They live here because the catalog decides
// what each role needs; whoever starts the mock (cli, tests) parses them
// with mock.ParseConfig and serves each on its own endpoint.
var mockPools = map[string]string{
	RoleTrigger: `name: conform-trigger
description: custom-message trigger that records the ClientMetadata it sees
delivery:
  email:
    sendingAccount: DEVELOPER
customMessageTrigger:
  enabled: true
  capture: true
users:
  list:
    - {username: trigger-user, password: "Passw0rd!", email: trigger.user@example.com}
`,
	RoleTriggerUserLambda: `name: conform-trigger-validation-failure
description: custom-message trigger that always throws a validation error
delivery:
  email:
    sendingAccount: DEVELOPER
customMessageTrigger:
  enabled: true
  failures:
    UserLambdaValidationException: 1
users:
  list:
    - {username: trigger-user, password: "Passw0rd!", email: trigger.user@example.com}
`,
	RoleTriggerUnexpectedLambda: `name: conform-trigger-unexpected-failure
description: custom-message trigger that can never be invoked
delivery:
  email:
    sendingAccount: DEVELOPER
customMessageTrigger:
  enabled: true
  failures:
    UnexpectedLambdaException: 1
users:
  list:
    - {username: trigger-user, password: "Passw0rd!", email: trigger.user@example.com}
`,
	RoleTriggerInvalidResponse: `name: conform-trigger-invalid-response
description: custom-message trigger answering emailMessage while email is COGNITO_DEFAULT
delivery:
  email:
    sendingAccount: COGNITO_DEFAULT
customMessageTrigger:
  enabled: true
  returnsEmailMessage: true
users:
  list:
    - {username: trigger-user, password: "Passw0rd!", email: trigger.user@example.com}
`,
	RoleDeliveryFailure: `name: conform-delivery-failure
description: every email and SMS delivery fails
delivery:
  email:
    sendingAccount: DEVELOPER
    failureRate: 1
  sms:
    failureRate: 1
users:
  list:
    - {username: unlucky-user, password: "Passw0rd!", email: unlucky.user@example.com, phone_number: "+14155550100"}
`,
	RoleDailyLimit: `name: conform-daily-email-limit
description: Cognito default email (50 a day); the per-user limits raised (11 codes an hour, no rate) so the 5 users the mock lists can send 51 at once
delivery:
  email:
    sendingAccount: COGNITO_DEFAULT
    dailyLimit: 50
quotas:
  rps: 0
  perUserRps: 0
  codesPerUserPerHour: 11
users:
  list:
    - {username: busy-user-1, password: "Passw0rd!", email: busy.user.1@example.com}
    - {username: busy-user-2, password: "Passw0rd!", email: busy.user.2@example.com}
    - {username: busy-user-3, password: "Passw0rd!", email: busy.user.3@example.com}
    - {username: busy-user-4, password: "Passw0rd!", email: busy.user.4@example.com}
    - {username: busy-user-5, password: "Passw0rd!", email: busy.user.5@example.com}
`,
	RoleCategoryRate: `name: conform-category-rate
description: GetUserAttributeVerificationCode's category lowered to 10 requests/s, so 3 users paced under the per-user rate pass it
quotas:
  rps: 10
users:
  list:
    - {username: rate-user-1, password: "Passw0rd!", email: rate.user.1@example.com}
    - {username: rate-user-2, password: "Passw0rd!", email: rate.user.2@example.com}
    - {username: rate-user-3, password: "Passw0rd!", email: rate.user.3@example.com}
`,
}

// MockPoolRoles lists the roles MockPool can fill, sorted.
func MockPoolRoles() []string {
	out := make([]string, 0, len(mockPools))
	for r := range mockPools {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// MockPool returns the mock pool configuration (YAML) that fills role.
func MockPool(role string) ([]byte, bool) {
	y, ok := mockPools[role]
	return []byte(y), ok
}
