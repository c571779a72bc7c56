package aggregate

// SetSeriesCap lowers the series cap for a test; the returned function
// restores it.
func SetSeriesCap(n int) (restore func()) {
	old := seriesCap
	seriesCap = n
	return func() { seriesCap = old }
}

// SeriesCap is the current cap on series points.
func SeriesCap() int { return seriesCap }

// ThresholdExpr exposes how a threshold without its source text is
// written back.
var ThresholdExpr = thresholdExpr

// Internals the merge tests check against.
var (
	MergeSeries = mergeSeries
	RoundMs     = roundMs
)
