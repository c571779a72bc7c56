package evidence

import (
	"bytes"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cogload/cogload/internal/golden"
)

// TestFidelityDocIsGenerated keeps docs/fidelity.md equal to the ledger;
// -update rewrites it.
func TestFidelityDocIsGenerated(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "../../../docs/fidelity.md", b.Bytes())
}

func TestEntriesAreComplete(t *testing.T) {
	for _, e := range Ledger() {
		if e.ID == "" || e.Behaviour == "" || e.Source == "" {
			t.Errorf("%+v: id, behaviour and source are required", e)
		}
		if !slices.Contains(Levels(), e.Level) {
			t.Errorf("%s: unknown level %q", e.ID, e.Level)
		}
		if !slices.Contains(Topics(), e.Topic) {
			t.Errorf("%s: unknown topic %q", e.ID, e.Topic)
		}
		if !strings.HasPrefix(e.ID, topicPrefix(e.Topic)) {
			t.Errorf("%s: ids of topic %q start with %q", e.ID, e.Topic, topicPrefix(e.Topic))
		}
	}
}

func topicPrefix(topic string) string {
	return map[string]string{TopicProtocol: "protocol.", TopicValidation: "validate.", TopicOrder: "order.", TopicQuotas: "quota.",
		TopicLimits: "limit.", TopicTokens: "token.", TopicUsers: "user.", TopicAttributes: "attr.", TopicDelivery: "delivery.",
		TopicTriggers: "trigger.", TopicCodes: "code.", TopicStatus: "status.", TopicOperations: "op."}[topic]
}

// TestSourcesArePublic: every cited URL is absolute https, and no source
// points into a private reference (tags like [F1] or section marks).
func TestSourcesArePublic(t *testing.T) {
	for _, e := range Ledger() {
		if strings.ContainsAny(e.Source, "§") || strings.Contains(e.Source, "[") {
			t.Errorf("%s: source %q cites a private reference", e.ID, e.Source)
		}
		for _, f := range strings.Fields(e.Source) {
			if !strings.Contains(f, "://") {
				continue
			}
			f = strings.TrimRight(f, ";,)")
			u, err := url.Parse(f)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				t.Errorf("%s: %q is not a public https URL", e.ID, f)
			}
		}
	}
}

func TestWeakest(t *testing.T) {
	if got := Weakest(Must("validate.constraints", "attr.verifiable")); got != Observed {
		t.Errorf("documented+observed = %s, want observed", got)
	}
	if got := Weakest(Must("quota.category", "limit.window")); got != Assumed {
		t.Errorf("documented+assumed = %s, want assumed", got)
	}
	if got := Weakest(nil); got != Documented {
		t.Errorf("none = %s, want documented", got)
	}
	if !Assumed.Unconfirmed() || !Inferred.Unconfirmed() || Observed.Unconfirmed() {
		t.Error("only inferred and assumed need confirming")
	}
}

func TestMustPanicsOnUnknownID(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Must accepted an unknown id")
		}
	}()
	Must("no.such.entry")
}
