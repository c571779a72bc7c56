// Command cogload is a load and conformance testing harness for Amazon
// Cognito user pools' GetUserAttributeVerificationCode API.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/cogload/cogload/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Env: os.Environ()})
	stop()
	os.Exit(code)
}
