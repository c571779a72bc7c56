// Package cognito is the wire contract for Amazon Cognito user pools as spoken
// by cogload's mock, attacker and conformance suite: operation names, the
// request and response shapes, the catalog of errors with their HTTP status
// codes and classes, the AWS JSON 1.1 error encoding, and the input rules of
// the API model.
//
// It is the floor of the module: every other package may import it, and it
// imports none of ours, so the mock built on it can be lifted into anyone's
// tests.
package cognito
