// Command cogload is a load and conformance testing harness for Amazon
// Cognito user pools' GetUserAttributeVerificationCode API.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/cogload/cogload/cli"
	"github.com/cogload/cogload/domain"
)

func main() {
	// The first interrupt cancels the context: commands stop sending, drain
	// and keep what was measured. A second one exits at once, removing the
	// archives still being written rather than leave them half-written.
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		fmt.Fprintln(os.Stderr, "cogload: interrupted, stopping (interrupt again to exit at once)")
		cancel()
		<-sigs
		cli.Abandon(os.Stderr)
		os.Exit(int(domain.ExitInterrupted))
	}()
	code := cli.Main(ctx, os.Args[1:], cli.Process())
	cancel()
	os.Exit(int(code))
}
