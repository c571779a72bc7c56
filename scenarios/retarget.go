package scenarios

import (
	"fmt"
	"os"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/internal/input"
)

// EndpointOverride points a plan at a real or external endpoint from the
// command line, so a built-in scenario written for the mock runs against a
// team's own pool unchanged: the scenario's target is replaced (fields
// left empty keep the scenario's own endpoint values), and every token
// pool that would mint from the mock's users mints from Users instead.
type EndpointOverride struct {
	URL        string
	Region     string
	UserPoolID string
	ClientID   string
	// Users is a users file (username,password per line) for the token
	// pools without a source of their own and those minting with
	// `mint: {}`; a path as given on the command line.
	Users string
}

// spec merges the override onto the scenario's own endpoint, if any.
func (o *EndpointOverride) spec(own *EndpointSpec) *EndpointSpec {
	e := &EndpointSpec{}
	if own != nil {
		*e = *own
	}
	if o.URL != "" || o.Region != "" {
		e.URL, e.Region = o.URL, o.Region
	}
	if o.UserPoolID != "" {
		e.UserPoolID = o.UserPoolID
	}
	if o.ClientID != "" {
		e.ClientID = o.ClientID
	}
	return e
}

// checkFlags validates the override's values, naming their flags.
func (c *compiler) checkFlags(o *EndpointOverride) {
	if o.URL != "" {
		if err := cognito.CheckEndpointURL(o.URL); err != nil {
			c.flagError("--endpoint", fmt.Sprintf("%s: the endpoint %v", cognito.ShownEndpoint(o.URL), err), "give the endpoint's base URL alone, e.g. https://cognito-idp.eu-central-1.amazonaws.com")
		}
	}
	if o.Region != "" && !regionPattern.MatchString(o.Region) {
		c.flagError("--region", fmt.Sprintf("%q is not an AWS region", o.Region), "write a region such as eu-central-1")
	}
	if o.UserPoolID != "" && !poolIDPattern.MatchString(o.UserPoolID) {
		c.flagError("--user-pool-id", fmt.Sprintf("%q is not a user pool id", o.UserPoolID), "a user pool id looks like eu-central-1_AbCdEf123")
	}
	if o.Users != "" {
		if _, err := os.Stat(o.Users); err != nil {
			c.flagError("--users", fmt.Sprintf("users file %s: %s", o.Users, input.ErrText(err)), "create users with cogload users create --out FILE, or write username,password lines")
		}
	}
}
