package archive

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/aggregate"
)

// encodedResults is a results.bin of n results, as a run writes it.
func encodedResults(n int) []byte {
	var buf bytes.Buffer
	enc := vegeta.NewEncoder(&buf)
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range n {
		_ = enc.Encode(&vegeta.Result{Attack: "shard-1/2", Seq: uint64(i), Code: 200, Timestamp: start.Add(time.Duration(i) * time.Millisecond),
			Latency: time.Duration(i+1) * time.Millisecond, BytesIn: 90, BytesOut: 120, Method: "POST", URL: "http://127.0.0.1:9229/#v=3",
			Error: map[bool]string{true: "timeout"}[i%3 == 0]})
	}
	return buf.Bytes()
}

// FuzzCheckResults: whatever results.bin holds, checking it neither panics
// nor allocates beyond one bounded record (a damaged count must not size a
// map or a buffer); a file it accepts decodes into exactly the results it
// counted, and those written again with vegeta's encoder read back the
// same with vegeta's own decoder (what a merge writes, vegeta report reads).
func FuzzCheckResults(f *testing.F) {
	good := encodedResults(5)
	f.Add(good, uint64(5))
	f.Add(good, uint64(4))
	f.Add(good[:len(good)-3], uint64(5))
	f.Add([]byte{}, uint64(0))
	f.Add([]byte("garbage"), uint64(1))
	f.Add([]byte{0xF8, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, uint64(1))
	f.Fuzz(func(t *testing.T, data []byte, want uint64) {
		want %= 1 << 20
		if err := checkResults(bytes.NewReader(data), want); err != nil {
			return
		}
		dec := newResultDecoder(bytes.NewReader(data))
		var got []vegeta.Result
		for {
			var r vegeta.Result
			err := dec.Decode(&r)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("accepted a results.bin that does not decode after %d results: %v", len(got), err)
			}
			got = append(got, r)
		}
		if uint64(len(got)) != want {
			t.Fatalf("accepted %d results for %d", len(got), want)
		}
		var again bytes.Buffer
		enc := vegeta.NewEncoder(&again)
		for i := range got {
			if err := enc.Encode(&got[i]); err != nil {
				t.Fatal(err)
			}
		}
		vdec := vegeta.NewDecoder(&again)
		for i := range got {
			var r vegeta.Result
			if err := vdec.Decode(&r); err != nil {
				t.Fatalf("vegeta cannot read result %d written again: %v", i, err)
			}
			if !r.Timestamp.Equal(got[i].Timestamp) || r.Seq != got[i].Seq || r.URL != got[i].URL || r.Error != got[i].Error {
				t.Fatalf("result %d changed when written again: %+v, was %+v", i, r, got[i])
			}
		}
	})
}

// FuzzParseRunRecord: run.json is refused with an error or read into a
// record that writes back and reads again unchanged.
func FuzzParseRunRecord(f *testing.F) {
	rec := RunRecord{Schema: RunSchema, RunMeta: aggregate.RunMeta{ID: "abcd1234", ToolVersion: "v1.2.3", Scenario: "smoke",
		ScenarioHash: "ab12", Target: "mock", Pool: "email-default", Seed: 42, Shard: "1/2", ShardIndex: 1, ShardCount: 2,
		Start: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), End: time.Date(2026, 1, 2, 3, 4, 15, 0, time.UTC), DurationS: 10,
		Interrupted: true, ExitStatus: 130}, ScenarioResolved: "name: smoke\n"}
	good, _ := json.Marshal(rec)
	f.Add(good)
	f.Add([]byte(`{"schema":"cogload.run/v1"}`))
	f.Add([]byte(`{"schema":"cogload.run/v0","id":"x"}`))
	f.Add([]byte(`{"schema":"cogload.run/v1","start":"not a time"}`))
	f.Add([]byte(`{"schema":"cogload.run/v1","exit_status":1e99}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := ParseRunRecord(data)
		if err != nil {
			return
		}
		out, err := json.Marshal(rec)
		if err != nil {
			t.Fatalf("an accepted run.json does not encode: %v", err)
		}
		back, err := ParseRunRecord(out)
		if err != nil {
			t.Fatalf("run.json written from an accepted one is refused: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(normalRecord(rec), normalRecord(back)) {
			t.Fatalf("run.json changed in a round trip:\n%+v\n%+v", rec, back)
		}
	})
}

// normalRecord drops what JSON does not keep (monotonic clock readings,
// time zones as locations rather than offsets).
func normalRecord(r RunRecord) RunRecord {
	r.StartAt, r.Start, r.End = r.StartAt.UTC(), r.Start.UTC(), r.End.UTC()
	return r
}
