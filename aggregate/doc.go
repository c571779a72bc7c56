// Package aggregate turns a run's classified samples into the numbers
// people and CI trust: the versioned Summary (the content of
// summary.json).
//
// An Aggregator folds domain.Samples in bounded memory: HDR histograms
// overall and per token pool, attribute, metadata variant, stage and
// outcome; exact counts per stage × variant × outcome × verdict; a
// per-second series; a few violation examples. A Summary is
// self-contained: thresholds are evaluated on it, shards are merged from
// it (MergeSummaries merges histograms exactly), and every renderer and
// comparison works from it alone.
package aggregate
