// Package conformance is cogload's catalog of rules that hold a
// Cognito-compatible endpoint to the real service's contract for
// GetUserAttributeVerificationCode, and the runner that checks them.
//
// Each Case states one rule, where it comes from (API model, service
// documentation, observed behaviour), what it needs from the target, the
// requests it sends and the exact outcome it expects. Run drives the cases
// through aws-sdk-go-v2 (retries off) and, where the rule is about the wire,
// raw HTTP; cases whose needs the Target cannot meet are skipped with the
// reason. Reports render as a table grouped by area, JSON or JUnit XML.
//
// The package talks to an endpoint like any client: it never imports the
// mock. The mock's side doors (/_mock/...) are used when the target
// declares the mock capability, and MockPool gives the pool configurations
// that fill the catalog's roles (trigger, failing delivery, ...) on the mock.
// Provision creates and removes a temporary pool through the admin API.
package conformance
