package s3archive

import (
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Location
		err  string
	}{
		{in: "s3://bucket/prefix", want: Location{"bucket", "prefix/"}},
		{in: "s3://bucket/a/b/", want: Location{"bucket", "a/b/"}},
		{in: "s3://my.bucket-1", want: Location{"my.bucket-1", ""}},
		{in: "s3://my.bucket-1/", want: Location{"my.bucket-1", ""}},
		{in: "results/x", err: "not an S3 location"},
		{in: "s3://Bucket/x", err: "not a bucket name"},
		{in: "s3://b/x", err: "not a bucket name"},
		{in: "s3:///x", err: "not a bucket name"},
		{in: "s3://bucket/a//b", err: "empty, . or .. part"},
		{in: "s3://bucket/a/../b", err: "empty, . or .. part"},
	} {
		got, err := ParseURL(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseURL(%q): %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	if got := (Location{"b-1", "runs/"}).Join("/x/").String(); got != "s3://b-1/runs/x/" {
		t.Errorf("Join: %s", got)
	}
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"s3://bucket/prefix", "s3://a.b/c/", "s3://", "s3://bucket/../x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseURL(s)
		if err != nil {
			return
		}
		if l.Prefix != "" && !strings.HasSuffix(l.Prefix, "/") {
			t.Fatalf("%q: prefix %q is not a folder", s, l.Prefix)
		}
		back, err := ParseURL(l.String())
		if err != nil || back != l {
			t.Fatalf("%q: %+v does not round-trip through %q: %+v %v", s, l, l.String(), back, err)
		}
	})
}
