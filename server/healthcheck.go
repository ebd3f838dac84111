package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// healthcheckCommand asks a running pactreg whether it is ready (for a
// container's HEALTHCHECK, which has no curl in a minimal image). It exits
// non-zero unless /readyz answers 200 within the timeout.
func healthcheckCommand(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("pactreg healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := getenv("PACTREG_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	// A server listening on all interfaces is asked on loopback.
	addr = strings.Replace(addr, "0.0.0.0:", "127.0.0.1:", 1)
	url := fs.String("url", "http://"+addr+"/readyz", "readiness URL to ask")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", *url, resp.Status)
	}
	return nil
}
