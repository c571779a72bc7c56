package scenarios

import (
	"fmt"

	"path/filepath"
	"strings"

	"github.com/cogload/cogload/domain"

	"github.com/goccy/go-yaml"
)

// Redacted replaces secrets in everything rendered from a plan: inline
// tokens, the arguments of token commands, metadata values that look like
// credentials, and JWT-shaped text.
const Redacted = "REDACTED"

// ShownCommand is an exec source's command as renderings of a plan show
// it: the program, then every argument Redacted. An argument may be a
// credential (a token, a password, a key on a command line) that cannot
// be told apart from a flag; a program given as a shell line is redacted
// whole.
func ShownCommand(argv []string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if i == 0 && !strings.ContainsAny(a, " \t\r\n") && !domain.HasToken(a) {
			out[i] = a
		} else {
			out[i] = Redacted
		}
	}
	return out
}

// resolved renders the scenario with every default and override applied,
// in the scenario's own schema, with inline tokens redacted.
func (c *compiler) resolved() ([]byte, error) {
	p := c.plan
	r := Scenario{Name: p.Name, Description: p.Description, Expect: c.s.Expect, Thresholds: c.s.Thresholds}
	r.Target = &TargetSpec{}
	if p.Target.Mock {
		pools := make([]string, len(p.Target.Pools))
		for i, pool := range p.Target.Pools {
			pools[i] = c.asWritten(pool)
		}
		r.Target.Mock = &MockSpec{Pools: pools}
	} else {
		t := p.Target
		r.Target.Endpoint = &EndpointSpec{Region: t.Region, URL: t.URL, UserPoolID: t.UserPoolID, ClientID: t.ClientID, MaxRate: ptr(t.MaxRate)}
	}
	q := p.Quota
	r.Target.Quota = &QuotaSpec{CategoryRPS: ptr(q.CategoryRPS), CodesPerUserHour: ptr(q.CodesPerUserHour)}
	if q.Users > 0 {
		r.Target.Quota.Users = ptr(q.Users)
	}
	if q.EmailsPerDayAll {
		r.Target.Quota.EmailsPerDay = ptr(q.EmailsPerDay)
	}
	for _, tp := range p.TokenPools {
		ps := PoolSpec{Name: tp.Name, Weight: ptr(tp.Weight), Kind: string(tp.Kind), Checkout: string(tp.Checkout)}
		if tp.Size > 0 {
			ps.Size = ptr(tp.Size)
		}
		switch s := tp.Source; s.Kind {
		case SourceMint:
			ps.Source = &SourceSpec{Mint: &MintSpec{Users: c.asWritten(s.Path)}}
		case SourceFile:
			ps.Source = &SourceSpec{File: c.asWritten(s.Path)}
		case SourceEnv:
			ps.Source = &SourceSpec{Env: s.Env}
		case SourceExec:
			ps.Source = &SourceSpec{Exec: ShownCommand(s.Command)}
		case SourceInline:
			red := make([]string, len(s.Inline))
			for i := range red {
				red[i] = Redacted
			}
			ps.Source = &SourceSpec{Inline: red}
		}
		r.TokenPools = append(r.TokenPools, ps)
	}
	for _, a := range p.Attributes {
		r.Attributes = append(r.Attributes, AttributeSpec{Name: a.Name, Weight: ptr(a.Weight)})
	}
	for i, m := range p.Metadata {
		ms := MetadataSpec{Name: m.Name, Weight: ptr(m.Weight), Absent: m.Absent}
		if i < len(c.s.Metadata) && c.s.Metadata[i].Generate != nil {
			g := *c.s.Metadata[i].Generate
			if g.KeySize == 0 {
				g.KeySize = defaultKeySize
			}
			ms.Generate = &g
		} else if !m.Absent {
			ms.Values = m.Shown()
		}
		r.Metadata = append(r.Metadata, ms)
	}
	r.Load = &LoadSpec{Seed: ptr(p.Seed), Timeout: ptr(p.Timeout), Connections: ptr(p.Connections), MaxWorkers: ptr(p.MaxWorkers), TokenRefresh: p.TokenRefresh}
	if p.MaxInFlight > 0 {
		r.Load.MaxInFlight = ptr(p.MaxInFlight)
	}
	for _, st := range p.Stages {
		ss := StageSpec{Name: st.Name, Duration: st.Duration}
		switch st.Kind {
		case StageRamp:
			ss.Ramp = &RampSpec{From: ptr(st.From), To: ptr(st.To)}
		case StageSteps:
			step := st.Step
			if step < 0 {
				step = -step
			}
			ss.Steps = &StepsSpec{From: ptr(st.From), To: ptr(st.To), Step: ptr(step), Every: st.Every}
		default:
			ss.Rate = ptr(st.From)
		}
		r.Load.Stages = append(r.Load.Stages, ss)
	}
	out, err := yaml.MarshalWithOptions(&r, yaml.IndentSequence(true))
	if err != nil {
		return nil, fmt.Errorf("render resolved scenario: %w", err)
	}
	return out, nil
}

func ptr[T any](v T) *T { return &v }

// asWritten undoes relPath: a file next to the scenario is named relative
// to it again, so the resolved scenario (and its hash, which the shards of
// a run share) does not depend on the folder it was run from.
func (c *compiler) asWritten(p string) string {
	if c.s.dir == "" {
		return p
	}
	if rel, ok := strings.CutPrefix(p, c.s.dir+string(filepath.Separator)); ok {
		return rel
	}
	return p
}
