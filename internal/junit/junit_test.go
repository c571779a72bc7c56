package junit

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

func TestWriteRoundTripsAndDropsControlBytes(t *testing.T) {
	doc := Suites{Name: "n", Suites: []Suite{{
		Name: "s",
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

func TestWriteCountsFromCases(t *testing.T) {
	doc := Suites{Name: "n", Tests: 99, Suites: []Suite{
		{Name: "a", Failures: 7, Cases: []Case{
			{Name: "ok", Classname: "c"},
			{Name: "bad", Classname: "c", Failure: &Failure{Message: "m", Type: "t"}},
			{Name: "skip", Classname: "c", Skipped: &Skipped{Message: "s"}},
		}},
		{Name: "b", Cases: []Case{
			{Name: "skip", Classname: "c", Skipped: &Skipped{Message: "s"}},
			{Name: "bad", Classname: "c", Failure: &Failure{Message: "m", Type: "t"}},
		}},
	}}
	var buf bytes.Buffer
	if err := Write(&buf, doc); err != nil {
		t.Fatal(err)
	}
	var back Suites
	if err := xml.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("output is not valid XML: %v\n%s", err, buf.String())
	}
	if back.Tests != 5 || back.Failures != 2 || back.Skipped != 2 {
		t.Errorf("root counts tests=%d failures=%d skipped=%d, want 5 2 2", back.Tests, back.Failures, back.Skipped)
	}
	want := [][3]int{{3, 1, 1}, {2, 1, 1}}
	for i, s := range back.Suites {
		if got := [3]int{s.Tests, s.Failures, s.Skipped}; got != want[i] {
			t.Errorf("suite %s counts %v, want %v", s.Name, got, want[i])
		}
	}
}
