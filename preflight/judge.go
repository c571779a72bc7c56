package preflight

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/idpclient"
	"github.com/cogload/cogload/internal/textfmt"
	"github.com/cogload/cogload/scenarios"
	"github.com/cogload/cogload/tokens"
)

// Inputs are what the check read: the pool and app client (nil when they
// could not be read) and the users files by the plan's path.
type Inputs struct {
	Pool   *idpclient.Pool
	Client *idpclient.AppClient
	Users  map[string]UsersFile
}

// UsersFile is a users file as read (never its passwords).
type UsersFile struct {
	Logins []string
	Err    error
}

// Public facts the rules rest on.
const (
	// sesPricePer1000 is Amazon SES's price per 1,000 outgoing emails
	// (https://aws.amazon.com/ses/pricing/).
	sesPricePer1000 = 0.10
	smsPricing      = "https://aws.amazon.com/end-user-messaging/pricing/"
)

// Judge compares the plan with what the check read. It is pure: every
// rule is a table test away.
func Judge(plan *scenarios.Plan, in Inputs) []Finding {
	var fs []Finding
	add := func(l Level, topic, format string, args ...any) {
		fs = append(fs, Finding{l, topic, fmt.Sprintf(format, args...)})
	}
	if p := in.Pool; p != nil {
		add(OK, "pool", "%s (%s): about %d users; users sign in with %s", p.ID, p.Name, p.EstimatedUsers, signIn(p.UsernameAttributes))
		email(plan, p, in.Users, add)
		sms(plan, p, add)
		trigger(plan, p, add)
	}
	if in.Client != nil {
		client(plan, in.Client, add)
	}
	users(plan, in.Users, add)
	quota(plan, add)
	return fs
}

type adder func(l Level, topic, format string, args ...any)

func signIn(attrs []string) string {
	if len(attrs) == 0 {
		return "a username"
	}
	return strings.Join(attrs, " or ")
}

func email(plan *scenarios.Plan, p *idpclient.Pool, files map[string]UsersFile, add adder) {
	emails := plan.ExpectedCodes(cognito.AttributeEmail)
	if emails < 0.5 {
		add(OK, "email", "the plan sends no email")
		return
	}
	days := math.Max(plan.TotalDuration().Hours()/24, 1)
	perDay := emails / days
	switch {
	case p.CustomEmailSender != "":
		add(OK, "email", "about %s codes go to the custom email sender %s, which sends (or drops) them: its own limits and costs apply", textfmt.Round(emails), p.CustomEmailSender)
	case p.EmailSendingAccount == idpclient.EmailCognitoDefault && perDay > cognito.DefaultEmailsPerDay:
		add(Error, "email", "the pool sends email with Cognito's default sender (COGNITO_DEFAULT), which allows %d emails a day for the account; the plan sends about %s a day: "+
			"past the %dth every email request fails with LimitExceededException, and for the rest of the day no pool of the account that uses the default sender can email anyone "+
			"(sign-up codes, password resets). Give the pool an Amazon SES identity (EmailSendingAccount DEVELOPER) or send less email",
			cognito.DefaultEmailsPerDay, textfmt.Round(perDay), cognito.DefaultEmailsPerDay)
	case p.EmailSendingAccount == idpclient.EmailCognitoDefault:
		add(Warning, "email", "the pool sends email with Cognito's default sender (COGNITO_DEFAULT): the plan's about %s emails use that much of the account's %d a day, shared with every pool of the account that uses it",
			textfmt.Round(perDay), cognito.DefaultEmailsPerDay)
	default:
		add(OK, "email", "Amazon SES sends the pool's email (%s): about %s emails, about $%.2f at $%.2f per 1,000 (https://aws.amazon.com/ses/pricing/)",
			orUnknown(p.EmailSourceARN), textfmt.Round(emails), emails/1000*sesPricePer1000, sesPricePer1000)
	}
	if slices.Contains(p.UsernameAttributes, cognito.AttributeEmail) {
		real := 0
		for _, f := range files {
			for _, l := range f.Logins {
				if !strings.HasSuffix(strings.ToLower(l), "@"+cognito.SESSimulator) {
					real++
				}
			}
		}
		if real > 0 {
			add(Warning, "email", "%d users of the users files have addresses outside the SES mailbox simulator: their codes are real emails to real mailboxes", real)
		}
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "identity not shown"
	}
	return s
}

func sms(plan *scenarios.Plan, p *idpclient.Pool, add adder) {
	texts := plan.ExpectedCodes(cognito.AttributePhoneNumber)
	if texts < 0.5 {
		return
	}
	switch {
	case p.CustomSMSSender != "":
		add(OK, "sms", "about %s phone_number codes go to the custom SMS sender %s: its own limits and costs apply", textfmt.Round(texts), p.CustomSMSSender)
	case p.SMSRoleARN == "":
		add(Warning, "sms", "the plan sends about %s phone_number requests, and the pool has no SMS configuration: none can deliver a code. Drop phone_number from the attributes, or configure SMS", textfmt.Round(texts))
	case p.SMSConfigurationFailure != "":
		add(Warning, "sms", "the pool's SMS configuration does not work (%s): about %s phone_number requests will fail to deliver", p.SMSConfigurationFailure, textfmt.Round(texts))
	default:
		add(Warning, "sms", "about %s phone_number requests send a paid SMS each to users who have a phone number, priced by destination country (%s); users made by cogload users create have none unless given --phone",
			textfmt.Round(texts), smsPricing)
	}
}

func trigger(plan *scenarios.Plan, p *idpclient.Pool, add adder) {
	var sending []string
	for _, m := range plan.Metadata {
		if !m.Absent {
			sending = append(sending, m.Name)
		}
	}
	switch {
	case len(sending) == 0:
	case p.CustomMessageTrigger == "":
		add(Warning, "trigger", "ClientMetadata variants %s have no effect: the pool has no custom-message trigger to read them (the service neither stores nor checks ClientMetadata); they still exercise request validation and size",
			strings.Join(sending, ", "))
	default:
		add(OK, "trigger", "the custom-message trigger %s receives the ClientMetadata of variants %s (one Lambda invocation per code)", p.CustomMessageTrigger, strings.Join(sending, ", "))
	}
}

// mints reports whether the plan signs users in.
func mints(plan *scenarios.Plan) bool {
	return slices.ContainsFunc(plan.TokenPools, func(tp scenarios.TokenPool) bool { return tp.Source.Kind == scenarios.SourceMint })
}

func allows(c *idpclient.AppClient, flow string) bool {
	return slices.Contains(c.ExplicitAuthFlows, "ALLOW_"+flow) || slices.Contains(c.ExplicitAuthFlows, flow)
}

func client(plan *scenarios.Plan, c *idpclient.AppClient, add adder) {
	if !mints(plan) {
		add(OK, "client", "the plan signs nobody in: app client %s is not used for sign-ins", c.ID)
		return
	}
	if c.HasSecret {
		add(Error, "client", "app client %s has a client secret: every sign-in through it needs a SECRET_HASH, which cogload does not send. Use an app client without a secret", c.ID)
	}
	if !allows(c, cognito.FlowUserPasswordAuth) {
		add(Error, "client", "app client %s does not allow USER_PASSWORD_AUTH (explicit auth flows: %s): cogload signs users in with it to mint tokens. Add ALLOW_USER_PASSWORD_AUTH",
			c.ID, strings.Join(c.ExplicitAuthFlows, ", "))
	}
	run := plan.TotalDuration()
	refreshes := plan.TokenRefresh > 0 || run >= time.Duration(float64(c.AccessTokenValidity)*tokens.RefreshAt)
	switch {
	case refreshes && !allows(c, cognito.FlowRefreshTokenAuth):
		add(Error, "tokens", "access tokens last %s and the run %s, so tokens are refreshed during it, and app client %s does not allow REFRESH_TOKEN_AUTH: they would expire mid-run. Add ALLOW_REFRESH_TOKEN_AUTH",
			c.AccessTokenValidity, run, c.ID)
	case refreshes && c.RefreshTokenValidity <= run:
		add(Error, "tokens", "refresh tokens last %s, less than the run's %s: tokens cannot be refreshed to its end. Raise the client's refresh token validity or shorten the run", c.RefreshTokenValidity, run)
	case refreshes:
		add(OK, "tokens", "access tokens last %s; the run (%s) refreshes them with REFRESH_TOKEN_AUTH", c.AccessTokenValidity, run)
	default:
		add(OK, "tokens", "access tokens last %s, longer than the run (%s): no refresh needed", c.AccessTokenValidity, run)
	}
	if plan.TokenRefresh > c.AccessTokenValidity {
		add(Warning, "tokens", "load.tokenRefresh is %s, longer than the access tokens' %s: tokens are refreshed before they expire anyway, so the interval has no effect", plan.TokenRefresh, c.AccessTokenValidity)
	}
}

func users(plan *scenarios.Plan, files map[string]UsersFile, add adder) {
	needs := tokens.Needs(plan)
	type group struct {
		tokens, revoked, others int
	}
	groups := map[string]*group{}
	for i, tp := range plan.TokenPools {
		if tp.Source.Kind != scenarios.SourceMint || tp.Source.Path == "" {
			continue
		}
		g := groups[tp.Source.Path]
		if g == nil {
			g = &group{}
			groups[tp.Source.Path] = g
		}
		g.tokens += needs[i]
		if tp.Kind == scenarios.KindRevoked {
			g.revoked++
		} else {
			g.others++
		}
	}
	total := 0
	for _, path := range slices.Sorted(maps.Keys(groups)) {
		g, f := groups[path], files[path]
		n := len(f.Logins)
		switch {
		case f.Err != nil:
			add(Error, "users", "%v", f.Err)
			continue
		case n < g.revoked+min(g.others, 1):
			add(Error, "users", "%s has %d users; the plan's %d revoked pools need users of their own (signing out revokes all of a user's tokens) and the others at least one: create more with cogload users create",
				path, n, g.revoked)
			continue
		case n >= g.tokens:
			add(OK, "users", "%s: %d users for %d tokens: every token gets a user of its own", path, n, g.tokens)
		default:
			add(OK, "users", "%s: %d users for %d tokens: users sign in several times", path, n, g.tokens)
		}
		total += n
	}
	if total == 0 {
		return
	}
	// Every request with a valid token counts against the user's code
	// limit, whatever its attribute (limit.codes-counting in
	// docs/fidelity.md).
	codes := plan.CodeLimitRequests()
	hours := math.Max(plan.TotalDuration().Hours(), 1)
	limit := float64(plan.Quota.CodesPerUserHour)
	perUser := codes / float64(total) / hours
	if limit > 0 && perUser > limit {
		want := int(math.Ceil(codes / (limit * hours)))
		add(Warning, "users", "about %s requests counting against the per-user code limit over %d users is %.1f per user per hour, over the limit of %d: LimitExceededException expected for about %s of them. Create at least %d users (cogload users create --count %d)",
			textfmt.Round(codes), total, perUser, plan.Quota.CodesPerUserHour, textfmt.Share((perUser-limit)/perUser), want, want)
	}
}

func quota(plan *scenarios.Plan, add adder) {
	peak, q := plan.PeakRate(), plan.Quota.CategoryRPS
	if peak > q {
		add(Warning, "quota", "the plan peaks at %s req/s, above the account's %s req/s category quota (shared by every pool and application of the account and Region): expect TooManyRequestsException, for the other applications too",
			textfmt.Num(peak), textfmt.Num(q))
		return
	}
	add(OK, "quota", "peak %s req/s is %s of the account's %s req/s category quota", textfmt.Num(peak), textfmt.Share(peak/q), textfmt.Num(q))
}
