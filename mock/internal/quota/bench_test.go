package quota

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// The mock calls these on every request, so their cost adds directly to its per-request
// latency; the parallel variants show lock contention on 2+ cores.

func BenchmarkBucketAllow(b *testing.B) {
	bk := NewBucket(1e9, 1) // always refilled, so every call takes the full path
	now := t0
	for i := 0; b.Loop(); i++ {
		bk.Allow(now.Add(time.Duration(i)))
	}
}

func BenchmarkBucketAllowUnlimited(b *testing.B) {
	bk := NewBucket(0, 0)
	for b.Loop() {
		bk.Allow(t0)
	}
}

func BenchmarkBucketAllowParallel(b *testing.B) {
	bk := NewBucket(25, 25)
	var tick atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			bk.Allow(t0.Add(time.Duration(tick.Add(1))))
		}
	})
}

func BenchmarkWindowAllow(b *testing.B) {
	for _, bc := range []struct {
		name    string
		sliding bool
	}{{"fixed", false}, {"sliding", true}} {
		b.Run(bc.name, func(b *testing.B) {
			w := NewWindow(5, time.Millisecond, bc.sliding)
			for i := 0; b.Loop(); i++ {
				w.Allow(t0.Add(time.Duration(i) * 100 * time.Microsecond))
			}
		})
	}
}

func BenchmarkDailyAllow(b *testing.B) {
	d := NewDaily(1<<30, 9*time.Hour)
	for i := 0; b.Loop(); i++ {
		d.Allow(t0.Add(time.Duration(i)))
	}
}

// keys models a pool of load-test users.
func keys(n int) []string {
	ks := make([]string, n)
	for i := range ks {
		ks[i] = "loadtest-user-" + strconv.Itoa(i)
	}
	return ks
}

func BenchmarkKeyedBucketsAllow(b *testing.B) {
	ks := keys(10_000)
	k := NewKeyedBuckets(10, 10)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k.Allow(ks[i%len(ks)], t0.Add(time.Duration(i)*time.Microsecond))
	}
}

func BenchmarkKeyedBucketsAllowParallel(b *testing.B) {
	ks := keys(10_000)
	k := NewKeyedBuckets(10, 10)
	var tick atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := tick.Add(1)
			k.Allow(ks[int(i)%len(ks)], t0.Add(time.Duration(i)*time.Microsecond))
		}
	})
}

func BenchmarkKeyedWindowsAllowParallel(b *testing.B) {
	ks := keys(10_000)
	k := NewKeyedWindows(5, time.Hour, true)
	var tick atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := tick.Add(1)
			k.Allow(ks[int(i)%len(ks)], t0.Add(time.Duration(i)*time.Microsecond))
		}
	})
}
