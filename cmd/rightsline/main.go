// Command rightsline runs the Rightsline service and its tools.
//
//	rightsline serve                 run the web service (chat simulator at /try, staff console at /console)
//	rightsline chat [--lang L] [--as ADDRESS]   chat in the terminal, one message a line
//	rightsline lint                  check every flow and every translation
//	rightsline i18n status           translation status per language
//
// Configuration comes from the environment; see .env.example.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand. run gets the arguments after its name.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

// commands lists every subcommand. Teams add their entry here, one line each.
var commands = map[string]command{
	"serve":       {"run the web service: chat simulator, webhooks, staff console", runServe},
	"chat":        {"chat with the bot in the terminal, one message a line (--lang, --as)", runChat},
	"lint":        {"check every flow and every translation; non-zero exit on any problem", runLint},
	"diagram":     {"print the flows' transitions as a Mermaid or Graphviz diagram (--flow intake, --format graphviz)", runDiagram},
	"i18n":        {"translation tools: status (table per language), export and import (offline review, CSV or XLIFF), hash (record a checked translation), migrate (to goi18n's format)", runI18n},
	"discord":     {"register the Discord slash commands, localized (register [--guild ID] [--print])", runDiscord},
	"commissions": {"list the commissions reports are routed to (commissions list)", runCommissions},
	"route":       {"show where a report would go and why (route --zip 20001 --category housing [--date D])", runRoute},
	"keys":        {"data keys: keys new (print a new keyring), keys rotate (re-encrypt every row under the current key, while serving)", runKeys},
	"migrate":     {"apply pending database migrations (under a Postgres advisory lock) and exit", runMigrate},
	"version":     {"print the version of this build", runVersion},
	"healthcheck": {"ask the running service's /healthz; exit 0 if healthy (the container's health check; --path /readyz)", runHealthcheck},
	"staff":       {"console accounts: staff add --email E --role staff|admin [--commission ID] (prints a one-time password)", runStaff},
}

// errUsage marks a usage mistake: exit code 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := dispatch(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fatal(os.Stderr, os.Getenv("LOG_FORMAT"), err)
			os.Exit(1)
		}
		os.Exit(2)
	}
}

// fatal reports the error that ends the process in the configured log
// format: one JSON record where LOG_FORMAT=json (so a log pipeline sees
// why an instance died), else a plain line for the person at the
// terminal.
func fatal(w io.Writer, format string, err error) {
	if strings.TrimSpace(format) == "json" {
		newLoggerTo(w, "error", "json").Error("fatal", "err", err.Error())
		return
	}
	fmt.Fprintln(w, "rightsline:", err)
}

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "rightsline: unknown command %q\n\n", args[0])
		usage(stderr)
		return errUsage
	}
	return cmd.run(ctx, args[1:], stdin, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Rightsline: rights information and complaint intake over SMS and Discord.")
	fmt.Fprintln(w, "\nUsage: rightsline <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nConfiguration is read from the environment (see .env.example).")
}

// loadConfigFromEnv reads the configuration, naming every bad variable.
func loadConfigFromEnv() (config, error) {
	cfg, err := loadConfig(os.LookupEnv)
	if err != nil {
		return cfg, fmt.Errorf("configuration:\n  %s", strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	return cfg, nil
}
