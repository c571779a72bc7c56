package conformance

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/mock/evidence"
)

// Area groups cases in reports.
type Area string

// The catalog's areas, in report order.
const (
	AreaProtocol   Area = "protocol"
	AreaInput      Area = "input"
	AreaAuth       Area = "authentication"
	AreaUserState  Area = "user-state"
	AreaAttributes Area = "attributes"
	AreaDelivery   Area = "delivery"
	AreaLimits     Area = "limits"
	AreaTriggers   Area = "triggers"
	AreaRoundTrip  Area = "round-trip"
	AreaSDK        Area = "sdk"
)

// Areas lists the areas in report order.
func Areas() []Area {
	return []Area{AreaProtocol, AreaInput, AreaAuth, AreaUserState, AreaAttributes, AreaDelivery, AreaLimits, AreaTriggers, AreaRoundTrip, AreaSDK}
}

// Need is something a case requires from the target.
type Need string

// Needs a case may have. Each is checked against the Target before the
// case runs; an unmet need skips the case with the reason.
const (
	NeedTokens      Need = "user tokens"  // a user who can sign in with USER_PASSWORD_AUTH
	NeedAdmin       Need = "admin rights" // the admin API (SigV4)
	NeedMock        Need = "mock side doors"
	NeedOutbox      Need = "readable code" // the delivered code can be read back
	NeedOtherPool   Need = "second pool"   // a token of another pool
	NeedOtherClient Need = "second client" // a token of an app client the pool doesn't know
	NeedUserControl Need = "user control"  // disable a user (admin API or side door)
)

// NeedPool is the need for a pool filling role.
func NeedPool(role string) Need { return Need("pool:" + role) }

// ev names the behaviours of the fidelity ledger (mock/evidence) a case
// checks; an unknown id panics, so the catalog test catches a typo.
func ev(ids ...string) []string {
	evidence.Must(ids...)
	return ids
}

// Expect is the exact outcome a case demands.
type Expect struct {
	// ErrorType is the expected error; "" expects success (200).
	ErrorType string
	// AltErrorTypes are also accepted (the real behaviour is uncertain).
	AltErrorTypes []string
	// AllowSuccess also accepts a 200 (uncertain cases only).
	AllowSuccess bool
	// Message is a regexp the error message must match.
	Message string
	// Shape describes the success response (or other checked property).
	Shape string
	// check verifies what Status/ErrorType/Message cannot express.
	check func(o *Observation) error
}

// Case is one rule of the catalog.
type Case struct {
	ID   string
	Area Area
	Rule string
	// Checks are the ids of the ledger's behaviours (docs/fidelity.md) the
	// case holds the target to; they give its evidence level and sources.
	Checks []string
	Needs  []Need
	// Uncertain says what is open about the real behaviour and what the
	// case accepts because of it.
	Uncertain string
	Requests  string // what is sent
	Expect    Expect
	// run performs the requests and returns the observation to judge.
	run func(ctx context.Context, h *harness) (*Observation, error)
}

// Evidence is how well the real service's behaviour that the case checks
// is known: the weakest level of its ledger entries.
func (c Case) Evidence() evidence.Level { return evidence.Weakest(evidence.Must(c.Checks...)) }

// Sources lists the public sources of what the case checks, without
// repeats.
func (c Case) Sources() []string {
	var out []string
	for _, e := range evidence.Must(c.Checks...) {
		if !slices.Contains(out, e.Source) {
			out = append(out, e.Source)
		}
	}
	return out
}

// Describe renders the expected outcome on one line under mode.
func (e Expect) Describe(mode string) string {
	var parts []string
	types := e.types()
	if e.ErrorType == "" {
		parts = append(parts, "200")
	} else {
		parts = append(parts, statusText(e.ErrorType, mode)+" "+strings.Join(types, "|"))
	}
	if e.AllowSuccess && e.ErrorType != "" {
		parts = append(parts, "or 200")
	}
	if e.Message != "" {
		parts = append(parts, "message ~ /"+e.Message+"/")
	}
	if e.Shape != "" {
		parts = append(parts, e.Shape)
	}
	return strings.Join(parts, ", ")
}

func (e Expect) types() []string {
	if e.ErrorType == "" {
		return nil
	}
	return append([]string{e.ErrorType}, e.AltErrorTypes...)
}

// statuses lists the statuses accepted for an error type under mode.
func statuses(typ, mode string) []int {
	spec, ok := cognito.Lookup(typ)
	if !ok {
		return []int{400}
	}
	switch mode {
	case "model":
		return []int{spec.ModelStatus}
	case "either":
		if spec.ModelStatus == spec.ObservedStatus {
			return []int{spec.ObservedStatus}
		}
		return []int{spec.ObservedStatus, spec.ModelStatus}
	}
	return []int{spec.ObservedStatus}
}

func statusText(typ, mode string) string {
	var s []string
	for _, st := range statuses(typ, mode) {
		s = append(s, fmt.Sprint(st))
	}
	return strings.Join(s, "|")
}

// judge compares an observation with the expectation; nil means pass.
func (e Expect) judge(o *Observation, mode string) error {
	if o == nil {
		return fmt.Errorf("no response")
	}
	if o.ErrType == "" && o.Status == 200 {
		if e.ErrorType != "" && !e.AllowSuccess {
			return fmt.Errorf("success where %s was expected", e.ErrorType)
		}
	} else {
		if e.ErrorType == "" {
			return fmt.Errorf("error where success was expected")
		}
		matched := ""
		for _, t := range e.types() {
			if strings.EqualFold(t, o.ErrType) {
				matched = t
			}
		}
		if matched == "" {
			return fmt.Errorf("wrong error type")
		}
		ok := false
		for _, st := range statuses(matched, mode) {
			ok = ok || st == o.Status
		}
		if !ok {
			return fmt.Errorf("wrong status")
		}
		if e.Message != "" && !regexp.MustCompile(e.Message).MatchString(o.Message) {
			return fmt.Errorf("wrong message")
		}
	}
	if e.check != nil {
		return e.check(o)
	}
	return nil
}

// Catalog returns every case, sorted by area then id.
func Catalog() []Case {
	var all []Case
	for _, part := range [][]Case{protocolCases(), inputCases(), authCases(), userStateCases(), attributeCases(), deliveryCases(), limitCases(), triggerCases(), roundTripCases(), sdkCases()} {
		all = append(all, part...)
	}
	order := map[Area]int{}
	for i, a := range Areas() {
		order[a] = i
	}
	sort.SliceStable(all, func(i, j int) bool { return order[all[i].Area] < order[all[j].Area] })
	return all
}
