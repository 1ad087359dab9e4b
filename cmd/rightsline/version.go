package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"
)

// version is stamped at build time:
//
//	go build -ldflags "-X main.version=1.4.0" ./cmd/rightsline
//
// Unstamped builds fall back to what the Go toolchain recorded (the module
// version for go install, the VCS revision for a build in a checkout).
var version = ""

// buildVersion is the version this binary reports.
func buildVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		rev += "-dirty"
	}
	return "devel-" + rev
}

func runVersion(_ context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
	if len(args) > 0 {
		return errUsage
	}
	fmt.Fprintln(stdout, "rightsline", buildVersion())
	return nil
}

// runHealthcheck asks the running service's GET /healthz and exits 0 only
// on 200: the image's health check, where distroless has no curl.
func runHealthcheck(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("path", "/healthz", "path to ask (/readyz also checks the database)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	addr := os.Getenv("LISTEN_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	url, err := healthURL(addr, *path)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s", *path, resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// healthURL is the loopback URL of path on the service listening at addr.
func healthURL(addr, path string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("healthcheck: LISTEN_ADDR %q: %w", addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	if !strings.HasPrefix(path, "/") {
		return "", errors.New("healthcheck: --path must start with /")
	}
	return "http://" + net.JoinHostPort(host, port) + path, nil
}

// runMigrate applies pending migrations and exits: a Kubernetes init
// container or a deploy step runs it before the new version serves. Open
// migrates under a Postgres advisory lock, so instances doing the same at
// once wait for one another; serve migrates too, so this is optional.
func runMigrate(ctx context.Context, args []string, _ io.Reader, stdout, _ io.Writer) error {
	if len(args) > 0 {
		return errUsage
	}
	st, err := openStoreFromEnv(ctx, stdout)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "%s database schema is up to date\n", st.Dialect())
	return nil
}
