package mock

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

//go:embed pools/*.yaml
var builtinFS embed.FS

// BuiltinNames lists the built-in pool configurations, sorted.
func BuiltinNames() []string {
	entries, _ := fs.ReadDir(builtinFS, "pools")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// Builtin returns a built-in pool configuration by name.
func Builtin(name string) (*Config, error) {
	data, err := builtinFS.ReadFile(path.Join("pools", name+".yaml"))
	if err != nil || strings.ContainsAny(name, "/\\") {
		return nil, fmt.Errorf("unknown built-in pool configuration %q: use one of %s, or a file path", name, strings.Join(BuiltinNames(), ", "))
	}
	return ParseConfig("builtin:"+name, data)
}

// ResolveConfig loads a built-in configuration by name, or a file when
// nameOrPath names one (a path with a separator or a .yaml/.yml suffix
// is always treated as a file).
func ResolveConfig(ctx context.Context, nameOrPath string) (*Config, error) {
	looksLikeFile := strings.ContainsAny(nameOrPath, "/\\") || strings.HasSuffix(nameOrPath, ".yaml") || strings.HasSuffix(nameOrPath, ".yml")
	if !looksLikeFile {
		if _, err := os.Stat(nameOrPath); err != nil {
			return Builtin(nameOrPath)
		}
	}
	return LoadConfig(ctx, nameOrPath)
}
