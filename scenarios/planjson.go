package scenarios

import (
	"encoding/json"
)

// maxJSONMetadata bounds how many characters of metadata values the JSON
// form spells out; larger (generated) maps are summarised.
const maxJSONMetadata = 4096

type jsonPlan struct {
	Name          string          `json:"name"`
	Description   string          `json:"description,omitempty"`
	Source        string          `json:"source"`
	Hash          string          `json:"hash"`
	Target        jsonTarget      `json:"target"`
	TokenPools    []jsonPool      `json:"tokenPools"`
	Attributes    []Attribute     `json:"attributes"`
	Metadata      []jsonMetadata  `json:"metadata"`
	Variants      []jsonVariant   `json:"variants"`
	Stages        []jsonStage     `json:"stages"`
	Timeout       string          `json:"timeout"`
	Connections   int             `json:"connections"`
	MaxWorkers    uint64          `json:"maxWorkers"`
	MaxInFlight   int             `json:"maxInFlight,omitempty"`
	Seed          int64           `json:"seed"`
	TokenRefresh  string          `json:"tokenRefresh,omitempty"`
	PeakRate      float64         `json:"peakRate"`
	TotalRequests float64         `json:"totalRequests"`
	TotalDuration string          `json:"totalDuration"`
	Thresholds    []jsonThreshold `json:"thresholds"`
	Quota         Quota           `json:"quota"`
	QuotaUse      []string        `json:"quotaUse"`
	Warnings      []string        `json:"warnings,omitempty"`
	Resolved      string          `json:"resolved"`
}

type jsonTarget struct {
	Mock       bool     `json:"mock"`
	Pools      []string `json:"pools,omitempty"`
	Region     string   `json:"region,omitempty"`
	URL        string   `json:"url,omitempty"`
	UserPoolID string   `json:"userPoolId,omitempty"`
	ClientID   string   `json:"clientId,omitempty"`
	MaxRate    float64  `json:"maxRate,omitempty"`
}

type jsonPool struct {
	Name         string     `json:"name"`
	Weight       float64    `json:"weight"`
	Share        float64    `json:"share"`
	Size         int        `json:"size"`
	TokensNeeded int        `json:"tokensNeeded"`
	Requests     float64    `json:"requests"`
	Kind         TokenKind  `json:"kind"`
	Checkout     Checkout   `json:"checkout"`
	Source       jsonSource `json:"source"`
}

// jsonSource never carries inline tokens, only how many there are, nor
// a command's arguments (ShownCommand).
type jsonSource struct {
	Kind        SourceKind `json:"kind"`
	Path        string     `json:"path,omitempty"`
	Env         string     `json:"env,omitempty"`
	Command     []string   `json:"command,omitempty"`
	InlineCount int        `json:"inlineCount,omitempty"`
}

type jsonMetadata struct {
	Name   string            `json:"name"`
	Weight float64           `json:"weight"`
	Absent bool              `json:"absent,omitempty"`
	Keys   int               `json:"keys"`
	Bytes  int               `json:"bytes"`
	Values map[string]string `json:"values,omitempty"`
}

type jsonVariant struct {
	Index     int      `json:"index"`
	TokenPool string   `json:"tokenPool"`
	Attribute string   `json:"attribute"`
	Metadata  string   `json:"metadata"`
	Weight    float64  `json:"weight"`
	Outcomes  []string `json:"outcomes"`
	Derived   bool     `json:"derived"`
}

type jsonStage struct {
	Name     string    `json:"name"`
	Kind     StageKind `json:"kind"`
	Duration string    `json:"duration"`
	From     float64   `json:"from"`
	To       float64   `json:"to"`
	Step     float64   `json:"step,omitempty"`
	Every    string    `json:"every,omitempty"`
	Requests float64   `json:"requests"`
}

type jsonThreshold struct {
	Expr   string            `json:"expr"`
	Metric string            `json:"metric"`
	Filter map[string]string `json:"filter,omitempty"`
	Op     string            `json:"op"`
	Value  float64           `json:"value"`
	Pos    string            `json:"pos,omitempty"`
}

// MarshalJSON renders the plan for `cogload validate --json` and for
// archives: names instead of indices, derived figures included, and never
// an inline token.
func (p Plan) MarshalJSON() ([]byte, error) {
	need := p.TokensNeeded()
	j := jsonPlan{
		Name: p.Name, Description: p.Description, Source: p.SourcePath, Hash: p.Hash,
		Target: jsonTarget{Mock: p.Target.Mock, Pools: p.Target.Pools, Region: p.Target.Region, URL: p.Target.URL,
			UserPoolID: p.Target.UserPoolID, ClientID: p.Target.ClientID, MaxRate: p.Target.MaxRate},
		Attributes:  p.Attributes,
		Timeout:     p.Timeout.String(),
		Connections: p.Connections, MaxWorkers: p.MaxWorkers, MaxInFlight: p.MaxInFlight, Seed: p.Seed,
		PeakRate: p.PeakRate(), TotalRequests: p.TotalRequests(), TotalDuration: p.TotalDuration().String(),
		Quota: p.Quota, QuotaUse: p.QuotaUse(), Warnings: p.Warnings,
		Resolved:   string(p.Resolved),
		TokenPools: []jsonPool{}, Metadata: []jsonMetadata{}, Variants: []jsonVariant{}, Stages: []jsonStage{}, Thresholds: []jsonThreshold{},
	}
	if p.TokenRefresh > 0 {
		j.TokenRefresh = p.TokenRefresh.String()
	}
	for i, tp := range p.TokenPools {
		s := tp.Source
		j.TokenPools = append(j.TokenPools, jsonPool{Name: tp.Name, Weight: tp.Weight, Share: p.PoolShare(i), Size: tp.Size,
			TokensNeeded: need[i], Requests: p.poolRequests(i), Kind: tp.Kind, Checkout: tp.Checkout,
			Source: jsonSource{Kind: s.Kind, Path: s.Path, Env: s.Env, Command: ShownCommand(s.Command), InlineCount: len(s.Inline)}})
	}
	for _, m := range p.Metadata {
		jm := jsonMetadata{Name: m.Name, Weight: m.Weight, Absent: m.Absent, Keys: len(m.Values)}
		for k, v := range m.Values {
			jm.Bytes += len(k) + len(v)
		}
		if jm.Bytes <= maxJSONMetadata {
			jm.Values = m.Shown()
		}
		j.Metadata = append(j.Metadata, jm)
	}
	for _, v := range p.Variants {
		j.Variants = append(j.Variants, jsonVariant{Index: v.Index, TokenPool: p.TokenPools[v.TokenPool].Name,
			Attribute: p.Attributes[v.Attribute].Name, Metadata: p.Metadata[v.Metadata].Name, Weight: v.Weight,
			Outcomes: v.Expect.Outcomes, Derived: v.Expect.Derived})
	}
	for _, s := range p.Stages {
		js := jsonStage{Name: s.Name, Kind: s.Kind, Duration: s.Duration.String(), From: s.From, To: s.To, Step: s.Step, Requests: float64(s.Hits())}
		if s.Every > 0 {
			js.Every = s.Every.String()
		}
		j.Stages = append(j.Stages, js)
	}
	for _, t := range p.Thresholds {
		j.Thresholds = append(j.Thresholds, jsonThreshold(t))
	}
	return json.Marshal(j)
}
