package scenarios

import "github.com/cogload/cogload/internal/input"

// Error is an invalid scenario: where (file:line:col and the field path),
// what is wrong, and what to do about it. It is the error type of every
// input cogload reads.
type Error = input.Error

// Errors is every problem found in one scenario, in file order. errors.As
// finds the first *Error in it.
type Errors = input.Errors
