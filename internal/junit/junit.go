// Package junit writes JUnit XML, the subset CI systems read, for run
// reports (a testcase per threshold and expectation group) and conformance
// reports (a testcase per case).
package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Suites is the document root. Its counts and every suite's are filled
// from the cases by Write.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr,omitempty"`
	Time     string   `xml:"time,attr,omitempty"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite groups test cases.
type Suite struct {
	Name      string `xml:"name,attr"`
	Tests     int    `xml:"tests,attr"`
	Failures  int    `xml:"failures,attr"`
	Skipped   int    `xml:"skipped,attr"`
	Time      string `xml:"time,attr"`
	Timestamp string `xml:"timestamp,attr,omitempty"`
	Cases     []Case `xml:"testcase"`
}

// Case is one test case; at most one of Failure and Skipped is set.
type Case struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr"`
	Failure   *Failure `xml:"failure,omitempty"`
	Skipped   *Skipped `xml:"skipped,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// Failure says why a case failed.
type Failure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// Skipped says why a case did not run.
type Skipped struct {
	Message string `xml:"message,attr"`
}

// Failed reports whether any of the suite's cases failed.
func (s Suite) Failed() bool {
	for _, c := range s.Cases {
		if c.Failure != nil {
			return true
		}
	}
	return false
}

// Write encodes doc with an XML header, indented, after removing characters
// XML 1.0 cannot carry (response text may hold control bytes). It sets
// the tests, failures and skipped counts of every suite and of the root
// from the cases; counts already set are overwritten.
func Write(w io.Writer, doc Suites) error {
	doc.Tests, doc.Failures, doc.Skipped = 0, 0, 0
	for i := range doc.Suites {
		s := &doc.Suites[i]
		s.Tests, s.Failures, s.Skipped = len(s.Cases), 0, 0
		for j := range s.Cases {
			c := &s.Cases[j]
			if c.Failure != nil {
				s.Failures++
			} else if c.Skipped != nil {
				s.Skipped++
			}
			c.Name, c.SystemOut = clean(c.Name), clean(c.SystemOut)
			if c.Failure != nil {
				c.Failure.Message, c.Failure.Text = clean(c.Failure.Message), clean(c.Failure.Text)
			}
			if c.Skipped != nil {
				c.Skipped.Message = clean(c.Skipped.Message)
			}
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF):
			return -1
		}
		return r
	}, s)
}
