// Package render writes what people read: a run's summary as text,
// Markdown, JSON, JUnit XML or a self-contained HTML page; a comparison
// of runs in the same formats; and a compiled plan as text.
//
// Renderers maps a format name to its Func. A renderer registered from an
// init function (HTML is registered this way) is written into every
// archive named by ArchiveFiles and offered by `cogload report --format`
// without further wiring.
package render
