package s3archive

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/cogload/cogload/archive"
	"github.com/cogload/cogload/internal/reportfixture"
	"github.com/cogload/cogload/internal/s3fake"
	"github.com/cogload/cogload/scenarios"
)

// shardArchives writes the fixture's samples as n shard archives under root.
func shardArchives(t *testing.T, root string, n int) []string {
	t.Helper()
	p := reportfixture.Plan()
	samples := reportfixture.Samples(p)
	var dirs []string
	for i := range n {
		w, err := archive.NewArchive(root, archive.ArchiveMeta{Plan: p, ToolVersion: "test", Target: "mock", Pool: "default",
			Shard: scenarios.Shard{Index: i + 1, Count: n}, Start: reportfixture.Start, ID: fmt.Sprintf("s%d", i+1)})
		if err != nil {
			t.Fatal(err)
		}
		for k, s := range samples {
			if k%n == i {
				w.Record(&vegeta.Result{Seq: s.Seq, Code: s.Code, Timestamp: s.Timestamp, Latency: s.Latency, Method: "POST", URL: "http://127.0.0.1:1/"}, s)
			}
		}
		if _, err := w.Finish(archive.RunEnd{}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, w.Dir())
	}
	return dirs
}

// TestUploadDownloadMerge: shard archives uploaded through the SDK come
// back whole, summary.json was written last, and they merge to what the
// local archives merge to.
func TestUploadDownloadMerge(t *testing.T) {
	fake := s3fake.Start(t)
	ctx := context.Background()
	st, err := New(ctx, fake.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	dirs := shardArchives(t, t.TempDir(), 3)
	run, err := ParseURL("s3://" + s3fake.Bucket + "/nightly/run-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if err := st.Upload(ctx, d, run.Join(filepath.Base(d))); err != nil {
			t.Fatal(err)
		}
	}
	puts := fake.Puts()
	for _, d := range dirs {
		var mine []string
		for _, k := range puts {
			if strings.Contains(k, filepath.Base(d)+"/") {
				mine = append(mine, k)
			}
		}
		if len(mine) < 3 || !strings.HasSuffix(mine[len(mine)-1], "/"+archive.FileSummary) {
			t.Errorf("upload order of %s: %v; want summary.json last", filepath.Base(d), mine)
		}
	}
	// An upload that stopped before its summary.json is not an archive.
	if _, err := st.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s3fake.Bucket), Key: aws.String("nightly/run-1/half/run.json"), Body: bytes.NewReader([]byte("{}"))}); err != nil {
		t.Fatal(err)
	}

	dst := t.TempDir()
	found, incomplete, err := st.Download(ctx, run, dst, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 3 || len(incomplete) != 1 || incomplete[0].String() != "s3://"+s3fake.Bucket+"/nightly/run-1/half/" {
		t.Fatalf("found %v, incomplete %v", found, incomplete)
	}
	var remote, local []*archive.Archive
	for i, f := range found {
		if want := run.Join(filepath.Base(dirs[i])); f.Location != want {
			t.Errorf("found %s, want %s", f.Location, want)
		}
		for _, name := range []string{archive.FileRun, archive.FileSummary, archive.FileResults} {
			a, _ := os.ReadFile(filepath.Join(dirs[i], name))
			b, err := os.ReadFile(filepath.Join(f.Dir, name))
			if err != nil || !bytes.Equal(a, b) {
				t.Errorf("%s/%s differs after the round trip (%v)", f.Location, name, err)
			}
		}
		ra, err := archive.OpenArchive(f.Dir)
		if err != nil {
			t.Fatal(err)
		}
		la, err := archive.OpenArchive(dirs[i])
		if err != nil {
			t.Fatal(err)
		}
		remote, local = append(remote, ra), append(local, la)
	}
	mr, err := archive.Merge(remote...)
	if err != nil {
		t.Fatal(err)
	}
	ml, err := archive.Merge(local...)
	if err != nil {
		t.Fatal(err)
	}
	if mr.Totals.Requests != ml.Totals.Requests || mr.Overall.Latency != ml.Overall.Latency || mr.Totals.Requests == 0 {
		t.Errorf("merged from S3: %d requests %+v; merged locally: %d %+v", mr.Totals.Requests, mr.Overall.Latency, ml.Totals.Requests, ml.Overall.Latency)
	}

	// One archive's own folder, without results.bin.
	one := t.TempDir()
	found, _, err = st.Download(ctx, run.Join(filepath.Base(dirs[1])), one, false)
	if err != nil || len(found) != 1 || filepath.Base(found[0].Dir) != filepath.Base(dirs[1]) {
		t.Fatalf("one archive: %v %v", found, err)
	}
	if _, err := os.Stat(filepath.Join(found[0].Dir, archive.FileResults)); !os.IsNotExist(err) {
		t.Errorf("results.bin downloaded without withResults: %v", err)
	}

	// A merged archive uploaded to its own folder reads back.
	merged := filepath.Join(t.TempDir(), "merged")
	if err := archive.WriteMerged(merged, local, ml); err != nil {
		t.Fatal(err)
	}
	if err := st.Upload(ctx, merged, run.Join("merged")); err != nil {
		t.Fatal(err)
	}
	found, _, err = st.Download(ctx, run.Join("merged"), t.TempDir(), true)
	if err != nil || len(found) != 1 || found[0].Location != run.Join("merged") {
		t.Fatalf("merged archive: %v %v", found, err)
	}
	back, err := archive.OpenArchive(found[0].Dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := back.Summary.Run.Shards, []string{"1/3", "2/3", "3/3"}; !slices.Equal(got, want) || back.Summary.Totals.Requests != ml.Totals.Requests {
		t.Errorf("merged archive read back: shards %q, %d requests; want %q, %d", got, back.Summary.Totals.Requests, want, ml.Totals.Requests)
	}

	if _, _, err := st.Download(ctx, Location{Bucket: s3fake.Bucket, Prefix: "nothing-here/"}, t.TempDir(), false); err == nil || !strings.Contains(err.Error(), "no run archive") {
		t.Errorf("empty prefix: %v", err)
	}
	if err := st.Upload(ctx, t.TempDir(), run.Join("empty")); err == nil || !strings.Contains(err.Error(), "not a finished run archive") {
		t.Errorf("uploading a folder without summary.json: %v", err)
	}
	missing := Location{Bucket: "no-such-bucket", Prefix: "x/"}
	if _, _, err := st.Download(ctx, missing, t.TempDir(), false); err == nil || !strings.Contains(err.Error(), "s3://no-such-bucket/x/") {
		t.Errorf("missing bucket: %v", err)
	}
}
