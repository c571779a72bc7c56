package scenarios

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/internal/golden"
	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

// fieldDoc is what the schema says about one field beyond its Go type.
type fieldDoc struct {
	desc    string
	enum    []string
	pattern string
	min     *float64
	exclMin *float64
	def     any
	ex      []any
}

func f64(v float64) *float64 { return &v }

const durationPattern = `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`

// schemaDocs documents every field by its path; the generator fails on a
// field without an entry, so a new Go field cannot miss the schema.
var schemaDocs = map[string]fieldDoc{
	"":            {desc: "A cogload scenario: which tokens, attributes and ClientMetadata to send to GetUserAttributeVerificationCode, how much load, and what counts as passing."},
	"name":        {desc: "Scenario name; names the run's folder. Defaults to the file name without extension.", pattern: `^[A-Za-z0-9][A-Za-z0-9_.:+-]*$`},
	"description": {desc: "What the scenario is for; shown by cogload validate and in reports."},
	"target":      {desc: "Where requests go. Omitted: the embedded mock with the email-default pool configuration."},
	"target.mock": {desc: "The embedded mock Cognito (loopback only)."},
	"target.mock.pools": {desc: "Pool configurations to run against, one run each: built-in names or YAML files relative to this scenario.",
		ex: []any{[]any{"email-default"}, []any{"email-default", "email-ses", "sms", "custom-message-trigger", "raised-quota"}}},
	"target.mock.pools[]":           {desc: "A built-in pool configuration (custom-message-trigger, email-default, email-ses, raised-quota, sms) or a .yaml file."},
	"target.endpoint":               {desc: "A real or external Cognito-compatible endpoint. Give region or url."},
	"target.endpoint.region":        {desc: "AWS Region; the URL https://cognito-idp.REGION.amazonaws.com is derived from it.", pattern: `^[a-z]{2}(-[a-z]+)+-\d+$`, ex: []any{"eu-central-1"}},
	"target.endpoint.url":           {desc: "Endpoint URL, e.g. http://127.0.0.1:9229 for a standalone cogload mock.", pattern: `^https?://`},
	"target.endpoint.userPoolId":    {desc: "User pool id, e.g. eu-central-1_AbCdEf123.", pattern: `^[\w-]+_[0-9a-zA-Z]+$`},
	"target.endpoint.clientId":      {desc: "App client id; required to mint tokens with InitiateAuth."},
	"target.endpoint.maxRate":       {desc: "Safety ceiling (requests/s) for non-loopback endpoints: a plan peaking above it is refused unless acknowledged.", exclMin: f64(0), def: DefaultMaxRate},
	"target.quota":                  {desc: "The quota model cogload validate predicts throttling with; set it to match your account."},
	"target.quota.categoryRps":      {desc: "Account-wide request-rate quota of GUAVC's category (requests/s).", exclMin: f64(0), def: DefaultCategoryRPS},
	"target.quota.codesPerUserHour": {desc: "GetUserAttributeVerificationCode calls allowed per user per hour.", min: f64(1), def: cognito.CodesPerUserHour},
	"target.quota.emailsPerDay":     {desc: "Daily email quota for every pool (0: none). Without it, 50/day is modelled for email-default only.", min: f64(0)},
	"target.quota.users":            {desc: "Distinct users tokens are minted from; 0 means one user per token.", min: f64(0)},
	"tokenPools":                    {desc: "Token populations, picked by weight for each request. At least one."},
	"tokenPools[]":                  {desc: "One named token pool."},
	"tokenPools[].name":             {desc: "Pool name, used in reports, expect rules and threshold filters (token_pool=NAME).", pattern: `^[A-Za-z0-9][A-Za-z0-9_.:+-]*$`},
	"tokenPools[].weight":           {desc: "Relative share of requests (> 0).", exclMin: f64(0), def: 1},
	"tokenPools[].size":             {desc: "Tokens the pool holds. Default: 100 minted or generated; for inline, file, env and exec sources, every token the source holds (a size keeps the first that many); for exclusive pools, sized from the plan.", min: f64(1)},
	"tokenPools[].kind":             {desc: "How the tokens relate to a valid access token.", enum: tokenKinds, def: "valid"},
	"tokenPools[].checkout": {desc: "Order tokens are handed out: sequential (round robin), random (seeded), exclusive (each token once, to avoid per-user limits).",
		enum: checkouts, def: "random"},
	"tokenPools[].source":            {desc: "Where base tokens come from; exactly one member. Default: mint: {} on the mock, none for garbage."},
	"tokenPools[].source.mint":       {desc: "Mint with InitiateAuth: {} uses the mock's users; users: FILE a username,password CSV."},
	"tokenPools[].source.mint.users": {desc: "CSV of username,password lines, relative to this scenario."},
	"tokenPools[].source.file":       {desc: "File with one token per line, relative to this scenario."},
	"tokenPools[].source.env":        {desc: "Environment variable holding tokens separated by whitespace or commas.", pattern: `^[A-Za-z_][A-Za-z0-9_]*$`},
	"tokenPools[].source.exec":       {desc: "Command and arguments whose stdout has one token per line."},
	"tokenPools[].source.exec[]":     {desc: "The command, then its arguments."},
	"tokenPools[].source.inline":     {desc: "Tokens listed here (redacted in every output). Prefer env or file for real tokens."},
	"tokenPools[].source.inline[]":   {desc: "An access token."},
	"attributes":                     {desc: "AttributeName values with weights. Default: email only."},
	"attributes[]":                   {desc: "A weighted attribute name."},
	"attributes[].name":              {desc: "Attribute name as sent; email and phone_number are verifiable, anything else tests the refusal.", ex: []any{"email", "phone_number", "custom:tier"}},
	"attributes[].weight":            {desc: "Relative share (> 0).", exclMin: f64(0), def: 1},
	"metadata":                       {desc: "ClientMetadata variants with weights. Default: absent only."},
	"metadata[]":                     {desc: "One ClientMetadata shape: exactly one of absent, values, generate."},
	"metadata[].name":                {desc: "Variant name, used in reports, expect rules and threshold filters (metadata=NAME).", pattern: `^[A-Za-z0-9][A-Za-z0-9_.:+-]*$`},
	"metadata[].weight":              {desc: "Relative share (> 0).", exclMin: f64(0), def: 1},
	"metadata[].absent":              {desc: "true: leave ClientMetadata out of the request."},
	"metadata[].values":              {desc: "The map to send; {} sends an empty map, which differs from absent on the wire."},
	"metadata[].values.*":            {desc: "A value (strings; numbers and booleans are sent as text)."},
	"metadata[].generate":            {desc: "Generated entries, deterministic from load.seed."},
	"metadata[].generate.keys":       {desc: "Number of entries.", min: f64(1)},
	"metadata[].generate.keySize":    {desc: "Characters per key (default 8).", min: f64(1)},
	"metadata[].generate.valueSize":  {desc: "Characters per value; the service refuses more than 131072.", min: f64(0)},
	"load":                           {desc: "How much load, for how long."},
	"load.seed":                      {desc: "Seed for variant choice, random checkout and generated metadata.", def: DefaultSeed},
	"load.timeout":                   {desc: "Per-request timeout.", pattern: durationPattern, def: DefaultTimeout.String()},
	"load.connections":               {desc: "Idle connections per host.", min: f64(1), def: DefaultConnections},
	"load.maxWorkers":                {desc: "Cap on vegeta workers (closed model); 0 keeps the open model.", min: f64(0), def: 0},
	"load.maxInFlight":               {desc: "Cap on requests in flight at once, so memory and file descriptors stay bounded at any rate: a hit due while the cap is reached is skipped and counted. Default 4096, or fewer when the file-descriptor limit leaves room for fewer.", min: f64(1)},
	"load.tokenRefresh":              {desc: "Refresh minted tokens at this interval whatever their expiry (long soaks).", pattern: durationPattern},
	"load.stages":                    {desc: "Stages, run one after another. At least one."},
	"load.stages[]":                  {desc: "One stage: exactly one of rate, ramp, steps."},
	"load.stages[].name":             {desc: "Stage name (default stage-N), used in threshold filters (stage=NAME).", pattern: `^[A-Za-z0-9][A-Za-z0-9_.:+-]*$`},
	"load.stages[].duration":         {desc: "How long the stage lasts; required for rate and ramp, derived for steps.", pattern: durationPattern},
	"load.stages[].rate":             {desc: "Constant rate, requests/s (> 0).", exclMin: f64(0)},
	"load.stages[].ramp":             {desc: "Linear ramp over the stage's duration."},
	"load.stages[].ramp.from":        {desc: "Rate at the start, requests/s.", min: f64(0)},
	"load.stages[].ramp.to":          {desc: "Rate at the end, requests/s.", min: f64(0)},
	"load.stages[].steps":            {desc: "Staircase: from, from±step, ... to, each held for every."},
	"load.stages[].steps.from":       {desc: "First step's rate, requests/s.", exclMin: f64(0)},
	"load.stages[].steps.to":         {desc: "Last step's rate, requests/s.", exclMin: f64(0)},
	"load.stages[].steps.step":       {desc: "Change per step, requests/s.", exclMin: f64(0)},
	"load.stages[].steps.every":      {desc: "How long each step is held.", pattern: durationPattern},
	"expect":                         {desc: "Overrides of the derived expectations; the first matching rule wins."},
	"expect[]":                       {desc: "One rule: which variants, and the outcomes they should get."},
	"expect[].match":                 {desc: "Selects variants; omitted members match anything."},
	"expect[].match.tokenPool":       {desc: "Token pool name."},
	"expect[].match.kind":            {desc: "Token kind.", enum: tokenKinds},
	"expect[].match.attribute":       {desc: "Attribute name."},
	"expect[].match.metadata":        {desc: "Metadata variant name."},
	"expect[].outcomes":              {desc: "Expected outcomes: ok or Cognito error types. Throttling is never a violation."},
	"expect[].outcomes[]":            {desc: "ok, a Cognito error type such as InvalidParameterException, or timeout, conn_refused, conn_reset, http_error, other."},
	"thresholds":                     {desc: "Pass/fail rules: metric{key=value,...} op value, e.g. latency.p99 < 300ms, throttle_rate < 1%, errors{code=InternalErrorException} == 0."},
	"thresholds[]": {desc: "Metrics: latency.p50/p90/p95/p99/p99.9/max/mean (durations), rate (req/s), requests, violations, errors (counts), ok_rate, throttle_rate, error_rate, violation_rate, outcome_rate (percent or fraction). Filters: token_pool, attribute, metadata, stage, code.",
		pattern: `^\s*[a-z0-9._]+(\{[^}]*\})?\s*(<=|>=|==|!=|<|>)\s*\S+\s*$`},
}

// schemaFor builds the JSON Schema of a Go type at a documentation path.
func schemaFor(t reflect.Type, path string, missing *[]string) map[string]any {
	doc, ok := schemaDocs[path]
	if !ok {
		*missing = append(*missing, path)
	}
	s := map[string]any{}
	if doc.desc != "" {
		s["description"] = doc.desc
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	child := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	switch {
	case t == reflect.TypeFor[time.Duration]():
		s["type"] = "string"
	case t.Kind() == reflect.Struct:
		s["type"] = "object"
		s["additionalProperties"] = false
		props := map[string]any{}
		var required []string
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			props[name] = schemaFor(f.Type, child(name), missing)
			if !strings.Contains(f.Tag.Get("yaml"), "omitempty") && f.Type.Kind() != reflect.Slice && f.Type.Kind() != reflect.Struct {
				required = append(required, name)
			}
		}
		s["properties"] = props
		if len(required) > 0 {
			sort.Strings(required)
			s["required"] = required
		}
	case t.Kind() == reflect.Slice:
		s["type"] = "array"
		s["items"] = schemaFor(t.Elem(), path+"[]", missing)
	case t.Kind() == reflect.Map:
		s["type"] = "object"
		s["additionalProperties"] = map[string]any{"type": []string{"string", "number", "boolean"}, "description": schemaDocs[path+".*"].desc}
	case t.Kind() == reflect.String:
		s["type"] = "string"
	case t.Kind() == reflect.Bool:
		s["type"] = "boolean"
	case t.Kind() == reflect.Float64:
		s["type"] = "number"
	default:
		s["type"] = "integer"
	}
	if doc.enum != nil {
		s["enum"] = doc.enum
	}
	if doc.pattern != "" {
		s["pattern"] = doc.pattern
	}
	if doc.min != nil {
		s["minimum"] = *doc.min
	}
	if doc.exclMin != nil {
		s["exclusiveMinimum"] = *doc.exclMin
	}
	if doc.def != nil {
		s["default"] = doc.def
	}
	if doc.ex != nil {
		s["examples"] = doc.ex
	}
	return s
}

func generateSchema(t *testing.T) []byte {
	t.Helper()
	var missing []string
	s := schemaFor(reflect.TypeFor[Scenario](), "", &missing)
	if len(missing) > 0 {
		t.Fatalf("fields without schema documentation (add them to schemaDocs): %v", missing)
	}
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["$id"] = "https://github.com/cogload/cogload/scenarios/scenario.schema.json"
	s["title"] = "cogload scenario"
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSchemaInSync regenerates the JSON Schema from the Go types and
// compares it with the committed file (go test -update rewrites it).
func TestSchemaInSync(t *testing.T) {
	t.Parallel()
	got := generateSchema(t)
	for path := range schemaDocs {
		if strings.HasSuffix(path, ".*") {
			continue
		}
		if !bytes.Contains(got, []byte(schemaDocs[path].desc)) {
			t.Errorf("schemaDocs[%q] documents a field the Go types no longer have", path)
		}
	}
	if golden.Updating() {
		if err := os.WriteFile("scenario.schema.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("scenario.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("scenario.schema.json is out of date (go test ./scenarios -run TestSchemaInSync -update) (-committed +generated):\n%s", diff)
	}
}

// TestScenariosMatchSchema validates the built-ins against the committed
// schema with a small validator, and checks it refuses what Parse refuses
// for shape reasons.
func TestScenariosMatchSchema(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("scenario.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	for _, n := range BuiltinNames() {
		data, _ := builtinFS.ReadFile("builtin/" + n + ".yaml")
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if errs := validateSchema(schema, doc, "$"); len(errs) > 0 {
			t.Errorf("built-in %s does not match the schema: %v", n, errs)
		}
	}
	for _, name := range []string{"unknown-field", "misplaced-field", "weight-string", "size-float", "unknown-kind", "duration-no-unit", "list-expected"} {
		data, err := os.ReadFile(filepath.Join("testdata", "broken", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		if errs := validateSchema(schema, doc, "$"); len(errs) == 0 {
			t.Errorf("schema accepts broken/%s.yaml", name)
		}
	}
}

// validateSchema checks the subset of JSON Schema the generator emits:
// type, properties, additionalProperties, required, items, enum, pattern,
// minimum and exclusiveMinimum.
func validateSchema(s map[string]any, v any, at string) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	if !typeMatches(s["type"], v) {
		bad("%v is not of type %v", v, s["type"])
		return errs
	}
	if enum, ok := s["enum"].([]any); ok && !contains(anyStrings(enum), fmt.Sprint(v)) {
		bad("%v is not one of %v", v, enum)
	}
	if p, ok := s["pattern"].(string); ok {
		if str, isStr := v.(string); isStr && !regexp.MustCompile(p).MatchString(str) {
			bad("%q does not match %s", str, p)
		}
	}
	if n, isNum := toFloat(v); isNum {
		if m, ok := s["minimum"].(float64); ok && n < m {
			bad("%v < minimum %v", n, m)
		}
		if m, ok := s["exclusiveMinimum"].(float64); ok && n <= m {
			bad("%v <= exclusiveMinimum %v", n, m)
		}
	}
	switch val := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		for k, item := range val {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validateSchema(ps, item, at+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					bad("unknown property %q", k)
				}
			case map[string]any:
				errs = append(errs, validateSchema(ap, item, at+"."+k)...)
			}
		}
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, has := val[r.(string)]; !has {
					bad("missing required %q", r)
				}
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, item := range val {
				errs = append(errs, validateSchema(items, item, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func typeMatches(want any, v any) bool {
	switch w := want.(type) {
	case []any:
		for _, t := range w {
			if typeMatches(t, v) {
				return true
			}
		}
		return false
	case string:
		switch w {
		case "object":
			_, ok := v.(map[string]any)
			return ok || v == nil
		case "array":
			_, ok := v.([]any)
			return ok || v == nil
		case "string":
			_, ok := v.(string)
			return ok
		case "boolean":
			_, ok := v.(bool)
			return ok
		case "number":
			_, ok := toFloat(v)
			return ok
		case "integer":
			f, ok := toFloat(v)
			return ok && f == float64(int64(f))
		}
	}
	return true
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func anyStrings(in []any) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = fmt.Sprint(v)
	}
	return out
}
