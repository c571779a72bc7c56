package aggregate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadSummary decodes a summary.json and checks its schema and that its
// counts fit its plan.
func ReadSummary(r io.Reader) (*Summary, error) {
	var s Summary
	dec := json.NewDecoder(r)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("decode summary: %w", err)
	}
	// Minor revisions (v1.N) only add fields, so this version reads them.
	if err := CheckSchema(s.Schema); err != nil {
		return nil, err
	}
	if err := checkSummary(&s); err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	// Derived from the counts and thresholds by the rule of this version,
	// as Status is, so summaries written before v1.3 carry it too.
	s.Reliability = s.CheckReliability()
	return &s, nil
}

// CheckSchema accepts summaries of schema major version 1 (any minor
// revision, "cogload.summary/v1" or "cogload.summary/v1.N"): minor
// revisions only add fields, so a v1 reader can compare them.
func CheckSchema(schema string) error {
	const prefix = "cogload.summary/v"
	rest, ok := strings.CutPrefix(schema, prefix)
	if !ok {
		return fmt.Errorf("schema %q is not a cogload summary (want %q)", schema, Schema)
	}
	major, _, _ := strings.Cut(rest, ".")
	if major != "1" {
		return fmt.Errorf("schema %q has major version %s; this cogload reads %q only: use the cogload version that wrote it", schema, major, Schema)
	}
	return nil
}

// checkSummary rejects a summary whose counts do not fit its plan, so a
// hand-edited or truncated file fails here rather than in a renderer.
func checkSummary(s *Summary) error {
	if len(s.Variants) == 0 && len(s.Counts) > 0 {
		return errors.New("counts without variants")
	}
	for _, c := range s.Counts {
		if c.Stage < 0 || c.Stage >= len(s.Plan.Stages) || c.Variant < 0 || c.Variant >= len(s.Variants) {
			return fmt.Errorf("count cell (stage %d, variant %d) outside the plan", c.Stage, c.Variant)
		}
	}
	for i, v := range s.Variants {
		if v.Index != i {
			return fmt.Errorf("variant %d has index %d", i, v.Index)
		}
	}
	return checkHistograms(s)
}

// checkHistograms decodes every latency histogram, so a damaged one is
// refused when the summary is read, whichever report or comparison would
// have used it.
func checkHistograms(s *Summary) error {
	check := func(where string, g Group) error {
		if _, err := DecodeHistogram(g.Histogram); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		return nil
	}
	if err := check("overall", s.Overall); err != nil {
		return err
	}
	for _, b := range []struct {
		name   string
		groups []Group
	}{
		{"breakdown.token_pools", s.Breakdown.TokenPools}, {"breakdown.attributes", s.Breakdown.Attributes},
		{"breakdown.metadata", s.Breakdown.Metadata}, {"breakdown.stages", s.Breakdown.Stages},
		{"breakdown.outcomes", s.Breakdown.Outcomes},
	} {
		for i, g := range b.groups {
			if err := check(fmt.Sprintf("%s[%d] (%s)", b.name, i, g.Name), g); err != nil {
				return err
			}
		}
	}
	return nil
}
