package scenarios

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/goccy/go-yaml"
)

// WorkloadHash identifies what a run sends, whatever it sends it to: the
// SHA-256 (hex) of a resolved scenario (a run archive's copy, with every
// default applied) without its target, its token sources, its name and
// description, its expectations and its thresholds. Two runs of one plan,
// one against a real pool (tokens from a users file or a command) and one
// against the mock (tokens minted from its users), share it; a change of
// token pools, kinds, weights, attributes, metadata, stages, seed,
// timeout or connections changes it.
func WorkloadHash(resolved []byte) (string, error) {
	if len(resolved) == 0 {
		return "", errors.New("no resolved scenario to identify the workload by")
	}
	s, err := Parse("resolved scenario", resolved)
	if err != nil {
		return "", err
	}
	w := Scenario{TokenPools: s.TokenPools, Attributes: s.Attributes, Metadata: s.Metadata, Load: s.Load}
	for i := range w.TokenPools {
		w.TokenPools[i].Source = nil
	}
	out, err := yaml.Marshal(&w)
	if err != nil {
		return "", fmt.Errorf("workload: %w", err)
	}
	sum := sha256.Sum256(out)
	return hex.EncodeToString(sum[:]), nil
}
