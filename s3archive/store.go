package s3archive

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cogload/cogload/archive"
	"github.com/cogload/cogload/internal/awsenv"
)

// Store reads and writes archives in S3.
type Store struct {
	client *s3.Client
}

// New returns a Store whose client takes its region and credentials from
// the environment getenv reads (the process's, injected), by the SDK's
// default chain (internal/awsenv): the region is AWS_REGION, else
// AWS_DEFAULT_REGION, else awsenv.DefaultRegion. AWS_ENDPOINT_URL_S3 (or
// AWS_ENDPOINT_URL) points it at an S3-compatible store (MinIO, a local
// fake), addressed path-style.
func New(ctx context.Context, getenv func(string) string) (*Store, error) {
	env := awsenv.Env(getenv)
	cfg, err := awsenv.Config(ctx, env, env.RegionOr(""), nil)
	if err != nil {
		return nil, fmt.Errorf("S3: %w", err)
	}
	endpoint := cmp.Or(getenv("AWS_ENDPOINT_URL_S3"), getenv("AWS_ENDPOINT_URL"))
	return &Store{client: s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
	})}, nil
}

// Upload copies the files of the archive folder dir to dest, the
// archive's own folder in the bucket; summary.json goes last, so readers
// never see an archive whose upload has not finished.
func (s *Store) Upload(ctx context.Context, dir string, dest Location) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("upload %s: %w", dir, err)
	}
	var names []string
	summary := false
	for _, e := range entries {
		switch {
		case !e.Type().IsRegular() || strings.HasPrefix(e.Name(), "."):
		case e.Name() == archive.FileSummary:
			summary = true
		default:
			names = append(names, e.Name())
		}
	}
	if !summary {
		return fmt.Errorf("upload %s: no %s: not a finished run archive", dir, archive.FileSummary)
	}
	names = append(names, archive.FileSummary)
	for _, name := range names {
		if err := s.put(ctx, filepath.Join(dir, name), dest.Bucket, dest.Prefix+name); err != nil {
			return fmt.Errorf("upload %s to %s: %w", dir, dest, err)
		}
	}
	return nil
}

func (s *Store) put(ctx context.Context, file, bucket, key string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	ctype := mime.TypeByExtension(filepath.Ext(file))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: f, ContentType: aws.String(ctype)})
	if err != nil {
		return fmt.Errorf("%s: %w", path.Base(key), err)
	}
	return nil
}

// Found is an archive found under a location and copied to a local folder.
type Found struct {
	// Dir is the local copy; Location where it came from.
	Dir      string
	Location Location
}

// Download copies every archive under loc, at any depth (loc may also be
// one archive's own folder), to its own folder under dst, which must
// exist: run.json and summary.json, and results.bin when withResults. It
// returns them in key order, and the folders that hold archive files but
// no summary.json yet (uploads under way or failed), which it leaves out.
func (s *Store) Download(ctx context.Context, loc Location, dst string, withResults bool) ([]Found, []Location, error) {
	folders := map[string][]string{} // folder key → file names
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(loc.Bucket), Prefix: aws.String(loc.Prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("list %s: %w", loc, err)
		}
		for _, o := range page.Contents {
			dir, name := path.Split(aws.ToString(o.Key))
			folders[dir] = append(folders[dir], name)
		}
	}
	var found []Found
	var incomplete []Location
	for _, dir := range slices.Sorted(maps.Keys(folders)) {
		names := folders[dir]
		src := Location{Bucket: loc.Bucket, Prefix: dir}
		if !slices.Contains(names, archive.FileSummary) {
			if slices.Contains(names, archive.FileRun) || slices.Contains(names, archive.FileResults) {
				incomplete = append(incomplete, src)
			}
			continue
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(dir, loc.Prefix), "/")
		if rel == "" { // loc is the archive's own folder
			rel = path.Base("/" + strings.TrimSuffix(loc.Prefix, "/"))
			if rel == "/" {
				rel = "archive"
			}
		}
		local := filepath.Join(dst, filepath.FromSlash(rel))
		if !filepath.IsLocal(filepath.FromSlash(rel)) {
			return nil, nil, fmt.Errorf("download %s: the key %q does not make a local folder name", src, dir)
		}
		if err := os.MkdirAll(local, 0o755); err != nil {
			return nil, nil, fmt.Errorf("download %s: %w", src, err)
		}
		want := []string{archive.FileRun, archive.FileSummary}
		if withResults && slices.Contains(names, archive.FileResults) {
			want = append(want, archive.FileResults)
		}
		for _, name := range want {
			if err := s.get(ctx, loc.Bucket, dir+name, filepath.Join(local, name)); err != nil {
				return nil, nil, fmt.Errorf("download %s: %w", src, err)
			}
		}
		found = append(found, Found{Dir: local, Location: src})
	}
	if len(found) == 0 {
		msg := fmt.Sprintf("no run archive (no %s) under %s", archive.FileSummary, loc)
		if len(incomplete) > 0 {
			msg += fmt.Sprintf("; %d unfinished (no %s yet), e.g. %s", len(incomplete), archive.FileSummary, incomplete[0])
		}
		return nil, incomplete, errors.New(msg)
	}
	return found, incomplete, nil
}

func (s *Store) get(ctx context.Context, bucket, key, file string) error {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return fmt.Errorf("%s: %w", path.Base(key), err)
	}
	defer out.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, out.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path.Base(key), err)
	}
	return nil
}

// CheckBucket asks, before a run that will write to loc, whether its
// bucket exists and the credentials work, so a typo or a missing
// credential fails before the load rather than after it. A refusal to
// answer (403: permission to write need not include permission to ask)
// is not an error; note says so.
func (s *Store) CheckBucket(ctx context.Context, loc Location) (note string, err error) {
	_, err = s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(loc.Bucket)})
	var re *smithyhttp.ResponseError
	switch {
	case err == nil:
		return "", nil
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden:
		return fmt.Sprintf("could not check bucket %s (access denied to HeadBucket); uploading anyway", loc.Bucket), nil
	case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound:
		return "", fmt.Errorf("bucket %s does not exist: create it or fix the name in %s", loc.Bucket, loc)
	}
	return "", fmt.Errorf("check bucket %s: %w", loc.Bucket, err)
}

// Empty reports whether nothing is stored under loc yet.
func (s *Store) Empty(ctx context.Context, loc Location) (bool, error) {
	out, err := s.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(loc.Bucket), Prefix: aws.String(loc.Prefix), MaxKeys: aws.Int32(1)})
	if err != nil {
		return false, fmt.Errorf("list %s: %w", loc, err)
	}
	return len(out.Contents) == 0, nil
}
