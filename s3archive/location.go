package s3archive

import (
	"fmt"
	"regexp"
	"strings"
)

// Scheme starts every location.
const Scheme = "s3://"

// Location is a place in a bucket: s3://Bucket/Prefix. Prefix is a folder
// ("" or ending in "/").
type Location struct {
	Bucket, Prefix string
}

// IsURL reports whether s names an S3 location rather than a local path.
func IsURL(s string) bool { return strings.HasPrefix(s, Scheme) }

// bucketName is S3's rule for general purpose bucket names
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html),
// short of the rules about IP-address look-alikes and reserved prefixes.
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// ParseURL reads s3://bucket/prefix; a trailing slash is optional.
func ParseURL(s string) (Location, error) {
	rest, ok := strings.CutPrefix(s, Scheme)
	if !ok {
		return Location{}, fmt.Errorf("%q is not an S3 location: want s3://bucket/prefix", s)
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if !bucketName.MatchString(bucket) {
		return Location{}, fmt.Errorf("%q: %q is not a bucket name (3–63 lowercase letters, digits, dots and hyphens): want s3://bucket/prefix", s, bucket)
	}
	for seg := range strings.SplitSeq(strings.TrimSuffix(prefix, "/"), "/") {
		if prefix != "" && (seg == "" || seg == "." || seg == "..") {
			return Location{}, fmt.Errorf("%q: the prefix has an empty, . or .. part: want s3://bucket/folder/folder", s)
		}
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return Location{Bucket: bucket, Prefix: prefix}, nil
}

// String is the location as an s3:// URL.
func (l Location) String() string { return Scheme + l.Bucket + "/" + l.Prefix }

// Join returns the folder name under l.
func (l Location) Join(name string) Location {
	return Location{Bucket: l.Bucket, Prefix: l.Prefix + strings.Trim(name, "/") + "/"}
}
