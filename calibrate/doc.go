// Package calibrate turns the archives of runs against one real user pool
// into a pool configuration for the mock, so that load tests run offline
// against the mock yet answer like the pool did.
//
// Calibrate reads only the summaries: each outcome's latency histogram
// becomes an empirical quantile table the mock samples from; the share of
// the service's own faults, delivery failures and trigger failures become
// probabilities (with Wilson 95% intervals); a throttle probe's
// per-second series gives the category quota's rate and burst; a trigger
// pool's trigger latency is the difference between answers that ran it
// and answers refused before it; the valid tokens' answers on email and
// phone_number give the generated users' email and phone shares. Every
// value it sets carries a comment naming the archives, the sample counts
// and how sure it is; every value it cannot estimate keeps the base
// configuration's and is listed with the reason.
package calibrate
