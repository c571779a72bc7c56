package input

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// BenchmarkDepthBomb: 200 KB of nested brackets, which go-yaml alone
// takes tens of seconds and gigabytes for, is refused by the byte scan.
func BenchmarkDepthBomb(b *testing.B) {
	bomb := bytes.Repeat([]byte("["), 200_000)
	b.SetBytes(int64(len(bomb)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseYAML(Scenario, "bomb.yaml", bomb); err == nil {
			b.Fatal("bomb accepted")
		}
	}
}

// BenchmarkDepthScanValid is the scan's cost on a large valid file (1 MiB
// of block mappings and lists), next to BenchmarkParseValid.
func BenchmarkDepthScanValid(b *testing.B) {
	data := largeValid(1 << 20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if e := checkDepth("big.yaml", data, MaxDepth); e != nil {
			b.Fatal(e)
		}
	}
}

func BenchmarkParseValid(b *testing.B) {
	data := largeValid(1 << 20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseYAML(PoolConfig, "big.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

func largeValid(size int) []byte {
	var sb strings.Builder
	sb.WriteString("users:\n  list:\n")
	for i := 0; sb.Len() < size; i++ {
		sb.WriteString("    - username: user")
		sb.WriteString(strings.Repeat("x", i%7))
		sb.WriteString("\n      password: 'Passw0rd!'\n      attributes: {custom:tier: gold, email_verified: \"true\"}\n")
	}
	return []byte(sb.String())
}

// BenchmarkReadURandom: a device reports size 0; the reader stops at the
// scenario limit (1 MiB) by counting what it read.
func BenchmarkReadURandom(b *testing.B) {
	if _, err := os.Stat("/dev/urandom"); err != nil {
		b.Skip("no /dev/urandom")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadFile(context.Background(), Scenario, "/dev/urandom"); err == nil {
			b.Fatal("read /dev/urandom whole")
		}
	}
}
