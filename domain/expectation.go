package domain

import "slices"

// Expectation is the set of outcomes a variant should get. Throttling is
// never in it: it is judged apart (see Verdict).
type Expectation struct {
	Outcomes []string
	// Derived is true when the set comes from the token kind and attribute
	// rather than from the scenario's expect section.
	Derived bool
}

// Allows reports whether outcome is one of the expected outcomes.
func (e Expectation) Allows(outcome string) bool { return slices.Contains(e.Outcomes, outcome) }
