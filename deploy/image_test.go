package deploy

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// instruction is one Dockerfile instruction with its continuation lines
// joined.
type instruction struct {
	cmd, args string
	line      int
}

func parseDockerfile(t *testing.T) []instruction {
	t.Helper()
	f, err := os.Open("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []instruction
	var cur strings.Builder
	start := 0
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		if s, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start})
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// image is what the Dockerfile says about the final image and the build.
type image struct {
	base       string
	user       string
	entrypoint []string
	copied     map[string]string // final-stage path → build-stage path
	buildEnv   []string          // KEY=VALUE before `go build`
	buildArgs  []string          // go build's arguments
}

func readImage(t *testing.T) image {
	t.Helper()
	var img image
	args := map[string]string{}
	stages := 0
	for _, in := range parseDockerfile(t) {
		switch in.cmd {
		case "FROM":
			stages++
			img = image{buildEnv: img.buildEnv, buildArgs: img.buildArgs, copied: map[string]string{}}
			img.base, _, _ = strings.Cut(in.args, " ")
		case "ARG":
			k, v, _ := strings.Cut(in.args, "=")
			args[k] = v
		case "RUN":
			words := shellWords(t, os.Expand(in.args, func(k string) string { return args[k] }))
			for i, w := range words {
				if w == "go" && i+1 < len(words) && words[i+1] == "build" {
					img.buildEnv, img.buildArgs = words[:i], words[i+2:]
				}
			}
		case "COPY":
			f := strings.Fields(in.args)
			if len(f) == 3 && strings.HasPrefix(f[0], "--from=") {
				img.copied[f[2]] = f[1]
			}
		case "USER":
			img.user = in.args
		case "ENTRYPOINT":
			if err := json.Unmarshal([]byte(in.args), &img.entrypoint); err != nil {
				t.Fatalf("Dockerfile:%d: ENTRYPOINT must be the exec form (a JSON array: no shell in the image): %v", in.line, err)
			}
		}
	}
	if stages < 2 {
		t.Fatalf("Dockerfile: want a build stage and a final stage, got %d stages", stages)
	}
	return img
}

// shellWords splits a RUN line the way sh would for the simple words the
// Dockerfile uses: spaces separate, double quotes group.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	var cur strings.Builder
	quoted, inWord := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("Dockerfile: unbalanced quotes in %q", s)
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// dockerUser is the image's numeric USER.
func dockerUser(t *testing.T) int64 {
	t.Helper()
	u, _, _ := strings.Cut(readImage(t).user, ":")
	id, err := strconv.ParseInt(u, 10, 64)
	if err != nil || id == 0 {
		t.Fatalf("Dockerfile: USER %q: want a numeric non-root user, so Kubernetes can check runAsNonRoot", u)
	}
	return id
}

var (
	buildOnce sync.Once
	built     string
	buildErr  error
)

// buildCogload builds cogload exactly as the Dockerfile's build stage
// does (its environment and go build flags), once per test binary.
func buildCogload(t *testing.T) string {
	t.Helper()
	img := readImage(t)
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cogload-image-")
		if err != nil {
			buildErr = err
			return
		}
		built = filepath.Join(dir, "cogload")
		var flags []string
		for i := 0; i < len(img.buildArgs); i++ {
			if img.buildArgs[i] == "-o" {
				i++ // the image's path; ours instead
				continue
			}
			flags = append(flags, img.buildArgs[i])
		}
		if len(flags) == 0 {
			buildErr = errors.New("Dockerfile: no go build in the build stage")
			return
		}
		pkg := flags[len(flags)-1]
		cmd := exec.Command("go", slices.Concat([]string{"build"}, flags[:len(flags)-1], []string{"-o", built, pkg})...)
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), img.buildEnv...)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = &buildError{err: err, out: string(out)}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return built
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string {
	return "go build as the Dockerfile does: " + e.err.Error() + "\n" + e.out
}

// TestImage: the image is one static binary as its entrypoint, run as a
// non-root user, on a base with CA certificates and no shell; the binary
// built as its build stage builds it is statically linked and works with
// an empty environment (no HOME, no PATH, nothing to exec).
func TestImage(t *testing.T) {
	img := readImage(t)
	if img.base != "scratch" && !strings.HasPrefix(img.base, "gcr.io/distroless/static") {
		t.Errorf("final stage FROM %s: want scratch or distroless static (no shell, no libc)", img.base)
	}
	if img.base == "scratch" && img.copied["/etc/ssl/certs/ca-certificates.crt"] == "" {
		t.Error("a scratch image needs CA certificates copied in for TLS to Cognito and S3")
	}
	if len(img.entrypoint) != 1 || img.copied[img.entrypoint[0]] == "" {
		t.Errorf("ENTRYPOINT %q: want the one binary the final stage copies from the build (copied: %v)", img.entrypoint, img.copied)
	}
	if !strings.Contains(strings.Join(img.buildEnv, " "), "CGO_ENABLED=0") {
		t.Errorf("the build runs with %q: want CGO_ENABLED=0 (a static binary)", img.buildEnv)
	}
	dockerUser(t)

	bin := buildCogload(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary has a %v segment: it is dynamically linked", p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs %v", libs)
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, "version")
	cmd.Env = []string{}
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil || !strings.HasPrefix(out.String(), "cogload ") {
		t.Errorf("cogload version with an empty environment: %v: %s", err, out.String())
	}
	out.Reset()
	cmd = exec.Command(bin, "run", "--rate", "5", "--duration", "1s", "--out", t.TempDir(), "--quiet")
	cmd.Env = []string{}
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 30 * time.Second
	if err := cmd.Run(); err != nil {
		t.Errorf("cogload run (smoke, embedded mock) with an empty environment: %v: %s", err, out.String())
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built != "" {
		_ = os.RemoveAll(filepath.Dir(built))
	}
	os.Exit(code)
}
