// Package stats holds the few statistics cogload judges runs with: a
// confidence interval for a proportion (Wilson), for a quantile (order
// statistics) and for a mean (Student's t); the distance between two
// distributions (total variation, Kolmogorov–Smirnov) and tests of
// difference with p-values (G-test of a 2×k table, two-sample KS); and
// the fit of a token bucket to a throttle probe's per-second counts.
//
// It depends on the standard library only and knows nothing of runs:
// callers pass counts and values.
package stats
