// Package report turns a run's classified samples into numbers people and
// CI can trust, and keeps them.
//
// An Aggregator folds attack.Samples in bounded memory (HDR histograms
// overall and per token pool, attribute, metadata variant, stage and
// outcome; exact counts per stage × variant × outcome × verdict; a
// per-second series; a few violation examples). Its Summary is the
// versioned, self-contained content of summary.json: every renderer,
// threshold check, merge and comparison works from a Summary alone, so
// re-rendering an archive never reads results.bin.
//
// An ArchiveWriter is the attack's Sink: it writes vegeta's own encoding
// of every result (bodies stripped) to results.bin and, on Finish,
// run.json, summary.json and one file per registered renderer, in a
// hidden sibling folder renamed into place at the end. OpenArchive reads
// an archive back; Merge combines the archives of the shards of one run
// exactly (histograms merged, counts summed, series aligned by time).
//
// Renderers maps a format name to its RenderFunc. A renderer added from
// another file's init (report.html is registered this way) is written
// into every archive named by ArchiveFiles and offered by
// `cogload report --format` without further wiring.
package report
