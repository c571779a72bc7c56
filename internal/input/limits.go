package input

// Limits on what cogload reads. A file past its limit is refused with an
// error naming the limit; each is far above any real file of its kind, so
// hitting one means the wrong file (a device, a log, a binary). YAML
// limits are lower than text ones: go-yaml reads about 1.5 MB/s and
// allocates about 110 bytes per byte of input (BenchmarkParseValid).
const (
	// MaxScenarioBytes: a scenario is a page of YAML; long token lists
	// belong in a token file.
	MaxScenarioBytes = 1 << 20
	// MaxPoolConfigBytes: a pool configuration may list its users (about
	// 40,000 at 100 bytes each); larger populations use users.generate.
	MaxPoolConfigBytes = 4 << 20
	// MaxTargetBytes: a conformance target names pools and a few users.
	MaxTargetBytes = 1 << 20
	// MaxUsersBytes bounds users files in CSV (about a million users).
	MaxUsersBytes = 64 << 20
	// MaxUsersYAMLBytes bounds users files in YAML (about 50,000 users);
	// more belong in CSV.
	MaxUsersYAMLBytes = 4 << 20
	// MaxTokenBytes bounds token files and a token command's output
	// (about 50,000 tokens of 1.3 KB).
	MaxTokenBytes = 64 << 20
	// MaxManifestBytes bounds a users manifest (99,999 users of about
	// 300 bytes each).
	MaxManifestBytes = 64 << 20
	// MaxDepth bounds YAML nesting (flow brackets plus block levels).
	// Real files nest fewer than ten levels.
	MaxDepth = 64
)

// Kind is one kind of input: its name in messages, its size limit and
// whether it holds secrets.
type Kind struct {
	// Name says what the file is, e.g. "scenario".
	Name string
	// MaxBytes is the most that is read.
	MaxBytes int64
	// Secret marks inputs holding passwords or tokens: their errors keep
	// positions and never quote the input's text.
	Secret bool
}

// The kinds of input cogload reads.
var (
	Scenario     = Kind{Name: "scenario", MaxBytes: MaxScenarioBytes}
	PoolConfig   = Kind{Name: "pool configuration", MaxBytes: MaxPoolConfigBytes}
	Target       = Kind{Name: "target file", MaxBytes: MaxTargetBytes, Secret: true}
	UsersCSV     = Kind{Name: "users file", MaxBytes: MaxUsersBytes, Secret: true}
	UsersYAML    = Kind{Name: "users file", MaxBytes: MaxUsersYAMLBytes, Secret: true}
	TokenFile    = Kind{Name: "token file", MaxBytes: MaxTokenBytes, Secret: true}
	TokenCommand = Kind{Name: "token command output", MaxBytes: MaxTokenBytes, Secret: true}
	// UsersManifest is what cogload users create records; it holds no
	// password.
	UsersManifest = Kind{Name: "users manifest", MaxBytes: MaxManifestBytes}
)
