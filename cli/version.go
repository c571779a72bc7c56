package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is the tool version; release builds set it with -ldflags.
var Version = "dev"

func init() {
	register("version", "print the version", func(ctx context.Context, args []string, io Stdio) error {
		fs := newFlagSet("version", io.Err)
		if _, err := parseFlags(fs, args); err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "cogload %s (%s %s/%s)\n", ToolVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	})
}

// ToolVersion returns Version, or the module version when built with go install.
func ToolVersion() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return Version
}
