// Package compare sets runs side by side: pool configurations, releases,
// a baseline against a candidate. Each metric gets a delta, a noise band
// and a verdict, and regression rules (--fail-on) decide whether CI
// fails.
package compare
