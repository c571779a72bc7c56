// Package fidelity measures how far a mock run is from a real run of the
// same plan: per variant the outcome distributions side by side with
// their total variation distance and a G-test; per outcome the latency
// distributions with their Kolmogorov–Smirnov distance and test and the
// p50/p99 ratios; the throttle onset; and a verdict per line (same,
// differs, too few samples).
//
// A line differs only when the difference is both significant (p below
// alpha) and material (beyond a tolerance): with enough requests any
// test rejects a difference too small to matter, and with few requests a
// large one is chance. Regression rules in compare's grammar
// (`p99>+10%`, `error_rate>+1pp`) gate CI on the mock's drift, the real
// run being the baseline.
package fidelity
