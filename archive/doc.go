// Package archive keeps runs: the run archive folder a run writes and
// `cogload report` and `cogload compare` read back.
//
// An ArchiveWriter is the attack's sink: it writes vegeta's own encoding
// of every result (bodies stripped) to results.bin while the run goes
// and, on Finish, run.json, summary.json and one file per renderer, in a
// hidden sibling folder renamed into place at the end, so a half-written
// archive never shows. OpenArchive reads an archive back; Merge combines
// the archives of the shards of one run.
package archive
