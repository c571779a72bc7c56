// Package domain is cogload's shared vocabulary: the outcome of a request
// and its verdict, the Sample the attack hands the reporter, a variant's
// Expectation, a user's Credential, where the in-flight cap came from
// (InFlightCap) and the documented ExitCode values.
//
// It sits below every other package and imports only the standard
// library, so the packages that render and compare archives never link the
// attack's or the AWS SDK's code just to name an outcome.
package domain
