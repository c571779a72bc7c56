package render

import (
	"fmt"
	"io"
	"sort"

	"github.com/cogload/cogload/aggregate"
)

// Func writes one rendering of a summary.
type Func func(w io.Writer, s *aggregate.Summary) error

// Renderers maps a format name to its renderer. The archive writes one
// file per entry of ArchiveFiles whose format is present here, so a
// renderer added from another file's init (e.g. "html" → report.html)
// is picked up by the archive and by `cogload report --format` without
// further wiring. Register only from init functions.
var Renderers = map[string]Func{
	"text":     Text,
	"markdown": Markdown,
	"json":     JSON,
	"junit":    JUnit,
}

// ArchiveFiles maps a format to the file name it is written to in a run
// archive.
var ArchiveFiles = map[string]string{
	"text":     "report.txt",
	"markdown": "report.md",
	"junit":    "junit.xml",
	"html":     "report.html",
}

// Formats lists the registered format names, sorted.
func Formats() []string {
	names := make([]string, 0, len(Renderers))
	for n := range Renderers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Write writes s in the named format.
func Write(w io.Writer, format string, s *aggregate.Summary) error {
	r, ok := Renderers[format]
	if !ok {
		return fmt.Errorf("unknown format %q: use one of %v", format, Formats())
	}
	return r(w, s)
}
