// Package s3archive keeps run archives in Amazon S3 (or an S3-compatible
// store), the shared place the shards of a run write to: Upload copies a
// finished archive folder under an s3://bucket/prefix location, and
// Download finds every archive under a prefix and copies it to a local
// folder, where the archive package reads and merges them.
//
// An archive's summary.json is uploaded last, and an archive is only
// recognised by its summary.json, so an archive still uploading (or whose
// upload failed) is never read as complete.
//
// It is the only package besides cli and the Cognito clients that links
// the AWS SDK; the reporting packages read the local copies.
package s3archive
