package render

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cogload/cogload/internal/reportfixture"
)

// chromium finds the browser, or skips (fails when COGLOAD_REQUIRE_BROWSER=1,
// as in CI, so a missing browser cannot turn the test green).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("COGLOAD_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium not found but COGLOAD_REQUIRE_BROWSER=1: apt-get install -y chromium")
	}
	t.Skip("chromium not installed (apt-get install -y chromium); set COGLOAD_REQUIRE_BROWSER=1 to make this a failure")
	return ""
}

// runChromium runs headless Chromium on page with extra flags and returns
// its stdout and stderr. Network features are off, and the page is a
// local file, so nothing leaves the machine.
func runChromium(t *testing.T, bin, page string, extra ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}
	args = append(append(args, extra...), "file://"+page)
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\nstderr:\n%s", extra, err, tail(errb.String(), 40))
	}
	return out.String(), errb.String()
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

var (
	dataPoints = regexp.MustCompile(`<svg[^>]*data-points="(\d+)"`)
	// Chromium logs every console message of the page as
	// "INFO:CONSOLE:<line>] "<text>", source: ..." whatever its level; the
	// report's script logs nothing, so any such line is a problem.
	consoleError = regexp.MustCompile(`(?i)(uncaught|CONSOLE[:(]\d+)`)
)

// TestHTMLInBrowser opens the run report and the comparison report in
// headless Chromium, checks the script ran without errors and drew data
// in every chart, and saves screenshots next to the pages (kept under
// testdata/out when COGLOAD_KEEP_SCREENSHOTS=1, for people to look at).
//
// Not parallel on purpose: sequential tests run before the parallel ones,
// so Chromium starts on an idle machine instead of competing with them.
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	if os.Getenv("COGLOAD_KEEP_SCREENSHOTS") == "1" {
		dir = filepath.Join("testdata", "out")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]struct {
		html   string
		charts int
	}{
		"run":     {renderHTMLString(t, reportfixture.Summary(t)), 4},
		"compare": {renderComparisonHTMLString(t, fixtureComparison(t)), 4},
	}
	for name, p := range pages {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(abs, name+".html")
			if err := os.WriteFile(path, []byte(p.html), 0o644); err != nil {
				t.Fatal(err)
			}
			// One launch both dumps the DOM after the scripts ran and
			// saves the screenshot.
			png := filepath.Join(abs, name+".png")
			dom, stderr := runChromium(t, bin, path, "--dump-dom", "--screenshot="+png, "--window-size=1280,2400")
			for _, problem := range pageProblems(dom, stderr) {
				t.Error(problem)
			}
			ms := dataPoints.FindAllStringSubmatch(dom, -1)
			if len(ms) != p.charts {
				t.Errorf("found %d charts with data-points, want %d", len(ms), p.charts)
			}
			for _, m := range ms {
				if n, _ := strconv.Atoi(m[1]); n == 0 {
					t.Errorf("a chart drew no points: %s", m[0])
				}
			}
			fi, err := os.Stat(png)
			if err != nil || fi.Size() < 10_000 {
				t.Errorf("screenshot %s missing or tiny (%v)", png, err)
			}
			t.Logf("screenshot: %s", png)
		})
	}
}

// pageProblems lists what is wrong with a page after Chromium ran it.
func pageProblems(dom, stderr string) []string {
	var out []string
	if m := consoleError.FindString(stderr); m != "" {
		out = append(out, "console message "+strconv.Quote(m)+"; stderr:\n"+tail(stderr, 20))
	}
	if !strings.Contains(dom, `data-rendered="ok"`) {
		out = append(out, "script did not finish (no data-rendered=ok on <body>)")
	}
	if i := strings.Index(dom, `data-js-error="`); i >= 0 {
		out = append(out, "script error: "+dom[i:min(len(dom), i+200)])
	}
	return out
}

// TestBrowserCheckCatchesErrors: the checks above must fail on a page
// whose script throws.
func TestBrowserCheckCatchesErrors(t *testing.T) {
	bin := chromium(t)
	path := filepath.Join(t.TempDir(), "bad.html")
	page := `<!DOCTYPE html><html><body><script>undefinedFunction();document.body.setAttribute("data-rendered","ok")</script></body></html>`
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, stderr := runChromium(t, bin, path, "--dump-dom")
	if len(pageProblems(dom, stderr)) == 0 {
		t.Errorf("a throwing script went unnoticed; stderr:\n%s", tail(stderr, 20))
	}
}
