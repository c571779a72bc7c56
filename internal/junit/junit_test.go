package junit

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

func TestWriteRoundTripsAndDropsControlBytes(t *testing.T) {
	doc := Suites{Name: "n", Tests: 2, Failures: 1, Suites: []Suite{{
		Name: "s", Tests: 2, Failures: 1,
		Cases: []Case{
			{Name: "ok", Classname: "c"},
			{Name: "bad\x00case", Classname: "c", Failure: &Failure{Message: "m\x1b", Type: "t", Text: "line1\nline2\x07"}},
		},
	}}}
	var buf bytes.Buffer
	if err := Write(&buf, doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), xml.Header) {
		t.Errorf("no XML header:\n%s", buf.String())
	}
	var back Suites
	if err := xml.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("output is not valid XML: %v\n%s", err, buf.String())
	}
	got := back.Suites[0].Cases[1]
	if got.Name != "badcase" || got.Failure.Message != "m" || got.Failure.Text != "line1\nline2" {
		t.Errorf("control bytes kept or text changed: %+v %+v", got, got.Failure)
	}
}
