// Package quota holds the mock's rate limiters: token buckets for requests-per-second
// quotas, fixed and sliding windows for "N per period" limits, a daily counter that resets
// at a fixed UTC time of day, and keyed (per-user) variants of the first two.
//
// Every limiter takes the current time as an argument instead of reading a clock, so the
// mock's injected clock drives them and tests need no sleeps. All types are safe for
// concurrent use. A limit <= 0 means unlimited; unlimited limiters answer without locking
// because they sit on the hot path of a load-test target.
//
// Time that runs backwards (a test clock moved back, or callers racing with slightly
// different timestamps) never refunds quota: a limiter treats such a call as happening at
// the latest time it has seen.
package quota
