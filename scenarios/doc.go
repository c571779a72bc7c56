// Package scenarios loads scenario files and compiles them into a Plan.
//
// A scenario is strict YAML (see scenario.schema.json beside this file for
// every field): unknown or misplaced fields, wrong types and duplicate keys
// are errors, and so are semantic mistakes (weights ≤ 0, unknown pool
// configurations, token kinds or outcomes, malformed thresholds, an
// exclusive pool too small for its share). Every error is an *Error that
// reads "file:line:col: field.path: what is wrong (what to do)"; Compile
// returns all of them at once as Errors.
//
// Compile applies defaults (target: the embedded mock with the
// email-default pool configuration; one email attribute; absent
// ClientMetadata; timeout 10s; 64 connections; seed 1; pools of 100 tokens,
// exclusive pools sized from the plan) and the command-line overrides of
// CompileOptions: --rate replaces every stage with a constant rate of the
// same duration, --duration scales every stage by one factor so the shape
// is kept, --seed and --pool replace their fields.
//
// Each variant (token pool × attribute × metadata variant) gets the
// outcome set the real service gives it unless an expect rule says
// otherwise: a request the API model refuses gets InvalidParameterException,
// then any token but a valid one gets NotAuthorizedException, then an
// attribute the service cannot verify gets InvalidParameterException;
// email expects ok, phone_number ok or InvalidParameterException (users
// without a phone number).
//
// The built-in scenarios (smoke, release-gate, nightly-soak,
// throttle-probe, pool-matrix) are embedded from builtin/*.yaml.
package scenarios
