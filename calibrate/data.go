package calibrate

import (
	"cmp"
	"fmt"
	"slices"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/cogload/cogload/aggregate"
	"github.com/cogload/cogload/cognito"
	"github.com/cogload/cogload/domain"
	"github.com/cogload/cogload/scenarios"
)

// data is the archives' answers pooled: per outcome its count, latency
// histogram and archives; per attribute the outcomes of valid tokens and
// of all tokens.
type data struct {
	srcs     []Source
	outcomes map[string]*outcome
	// order lists the outcomes, most frequent first.
	order []string
	// answers counts the service's answers (every outcome but transport
	// failures).
	answers uint64
	// byAttr counts outcomes per attribute (all tokens); validByAttr
	// those of valid tokens only.
	byAttr, validByAttr map[string]map[string]uint64
}

type outcome struct {
	name     string
	count    uint64
	hist     *hdr.Histogram
	archives []string
}

func newData(srcs []Source) (*data, error) {
	d := &data{srcs: srcs, outcomes: map[string]*outcome{},
		byAttr: map[string]map[string]uint64{}, validByAttr: map[string]map[string]uint64{}}
	for _, src := range srcs {
		s := src.Summary
		name := archiveName(s)
		kinds := map[string]string{}
		for _, tp := range s.Plan.TokenPools {
			kinds[tp.Name] = tp.Kind
		}
		variants := map[int]aggregate.VariantKey{}
		for _, v := range s.Variants {
			variants[v.Index] = v.VariantKey
		}
		for _, c := range s.Counts {
			o := d.outcome(c.Outcome)
			o.count += c.Count
			if !slices.Contains(o.archives, name) {
				o.archives = append(o.archives, name)
			}
			if domain.IsAnswer(c.Outcome) {
				d.answers += c.Count
			}
			v, ok := variants[c.Variant]
			if !ok {
				continue
			}
			add(d.byAttr, v.Attribute, c.Outcome, c.Count)
			if kinds[v.TokenPool] == string(scenarios.KindValid) {
				add(d.validByAttr, v.Attribute, c.Outcome, c.Count)
			}
		}
		for _, g := range s.Breakdown.Outcomes {
			h, err := aggregate.DecodeHistogram(g.Histogram)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: outcome %s: %w", ErrArchives, src.Dir, g.Name, err)
			}
			o := d.outcome(g.Name)
			if o.hist == nil {
				o.hist = aggregate.NewHistogram()
			}
			o.hist.Merge(h)
		}
	}
	for name := range d.outcomes {
		d.order = append(d.order, name)
	}
	slices.SortFunc(d.order, func(a, b string) int {
		return cmp.Or(cmp.Compare(d.outcomes[b].count, d.outcomes[a].count), cmp.Compare(a, b))
	})
	return d, nil
}

func (d *data) outcome(name string) *outcome {
	o, ok := d.outcomes[name]
	if !ok {
		o = &outcome{name: name}
		d.outcomes[name] = o
	}
	return o
}

func add(m map[string]map[string]uint64, attr, outcome string, n uint64) {
	if m[attr] == nil {
		m[attr] = map[string]uint64{}
	}
	m[attr][outcome] += n
}

// count sums the outcomes of m that keep says count.
func count(m map[string]uint64, keep func(outcome string) bool) uint64 {
	var n uint64
	for o, c := range m {
		if keep(o) {
			n += c
		}
	}
	return n
}

func is(names ...string) func(string) bool {
	return func(o string) bool { return slices.Contains(names, o) }
}

func ofClass(classes ...cognito.Class) func(string) bool {
	return func(o string) bool {
		spec, ok := cognito.Lookup(o)
		return ok && slices.Contains(classes, spec.Class)
	}
}

func either(fs ...func(string) bool) func(string) bool {
	return func(o string) bool {
		for _, f := range fs {
			if f(o) {
				return true
			}
		}
		return false
	}
}
