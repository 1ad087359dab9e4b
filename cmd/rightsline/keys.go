package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/rightsline/rightsline/store"
)

// The data keys (DATA_KEYS or DATA_KEYS_FILE) seal every personal field
// at rest (store/keys.go). Production and Postgres need them set; the
// embedded SQLite default keeps them in a file beside the database,
// created on first start.

// keyFileSuffix names the embedded default's key file: rightsline.db.keys.
const keyFileSuffix = ".keys"

// openStore opens cfg's database with its keyring. Without DATA_KEYS an
// embedded SQLite database uses the key file beside it, creating it (0600)
// and saying so on out the first time; anything else is a configuration
// error.
func openStore(ctx context.Context, cfg config, out io.Writer) (*store.Store, error) {
	keys, err := loadKeys(cfg, out)
	if err != nil {
		return nil, err
	}
	return connectStore(ctx, cfg, newLogger(cfg), store.WithKeys(keys))
}

// openStoreFromEnv is openStore with the configuration from the
// environment: what every one-shot subcommand that needs the database does.
func openStoreFromEnv(ctx context.Context, out io.Writer) (*store.Store, error) {
	cfg, err := loadConfigFromEnv()
	if err != nil {
		return nil, err
	}
	return openStore(ctx, cfg, out)
}

func loadKeys(cfg config, out io.Writer) (*store.Keys, error) {
	if cfg.DataKeys != "" {
		k, err := store.ParseKeys(cfg.DataKeys)
		if err != nil {
			return nil, fmt.Errorf("DATA_KEYS: %w", err)
		}
		return k, nil
	}
	path, ok := strings.CutPrefix(cfg.DatabaseURL, "sqlite:")
	if !ok { // production refuses SQLite in loadConfig
		return nil, errors.New("DATA_KEYS (or DATA_KEYS_FILE) is not set: production and Postgres need the data keys; generate a keyring with `rightsline keys new` and keep it in your secret store")
	}
	path = strings.TrimPrefix(path, "//")
	if path == ":memory:" {
		return store.EphemeralKeys(), nil // the data dies with the process anyway
	}
	keyPath := path + keyFileSuffix
	text, err := os.ReadFile(keyPath)
	if errors.Is(err, fs.ErrNotExist) {
		ring, err := store.NewKeyring("k" + time.Now().UTC().Format("20060102"))
		if err != nil {
			return nil, err
		}
		f, err := os.OpenFile(keyPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create the data key file: %w", err)
		}
		if _, err := f.WriteString(ring); err != nil {
			f.Close()
			return nil, fmt.Errorf("write the data key file: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("write the data key file: %w", err)
		}
		fmt.Fprintf(out, "Created the data key file %s (mode 0600). Personal data in the database is encrypted with it: back it up with the database; without it the database cannot be read.\n", keyPath)
		text = []byte(ring)
	} else if err != nil {
		return nil, fmt.Errorf("read the data key file: %w", err)
	}
	k, err := store.ParseKeys(string(text))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyPath, err)
	}
	return k, nil
}

// runKeys is `rightsline keys new|rotate`.
func runKeys(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: rightsline keys new [--id ID] [--data-key | --index-key] | rotate [--batch N]")
		return errUsage
	}
	switch args[0] {
	case "new":
		fs := flag.NewFlagSet("keys new", flag.ContinueOnError)
		fs.SetOutput(stderr)
		id := fs.String("id", "k"+time.Now().UTC().Format("20060102"), "the new data key's id (1-16 letters, digits, dashes)")
		data := fs.Bool("data-key", false, "print only a new data key line, to add at the top of an existing keyring")
		index := fs.Bool("index-key", false, "print only a new index key line (id must start with \"index\", e.g. --id index-2027), to add above the old index key")
		if err := fs.Parse(args[1:]); err != nil {
			return errUsage
		}
		if *index {
			line, err := store.NewIndexKey(*id)
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, line)
			return nil
		}
		if *data {
			line, err := store.NewDataKey(*id)
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, line)
			return nil
		}
		ring, err := store.NewKeyring(*id)
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, ring)
		return nil
	case "rotate":
		fs := flag.NewFlagSet("keys rotate", flag.ContinueOnError)
		fs.SetOutput(stderr)
		batch := fs.Int("batch", store.RotateBatch, "rows re-encrypted per transaction")
		if err := fs.Parse(args[1:]); err != nil {
			return errUsage
		}
		st, err := openStoreFromEnv(ctx, stdout)
		if err != nil {
			return err
		}
		defer st.Close()
		done, err := st.RotateKeys(ctx, *batch, func(table string, n int) {
			fmt.Fprintf(stderr, "%s: %d rows so far\n", table, n)
		})
		tables := make([]string, 0, len(done))
		for t := range done {
			tables = append(tables, t)
		}
		sort.Strings(tables)
		for _, t := range tables {
			fmt.Fprintf(stdout, "%-15s %d rows re-encrypted or re-indexed\n", t, done[t])
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Every row is now sealed with key %q and indexed with %q; the data and index keys listed below them can be removed from the keyring.\n", st.Keys().CurrentID(), st.Keys().IndexID())
		return nil
	default:
		fmt.Fprintf(stderr, "rightsline keys: unknown subcommand %q (new, rotate)\n", args[0])
		return errUsage
	}
}

// runRetention deletes what the retention schedule no longer keeps, at
// start and then every RETENTION_INTERVAL, until ctx ends. Every instance
// runs it; store.Purge lets one at a time work (advisory lock).
func runRetention(ctx context.Context, a *app) error {
	if a.cfg.RetentionInterval <= 0 {
		return nil
	}
	t := time.NewTicker(a.cfg.RetentionInterval)
	defer t.Stop()
	for {
		res, err := a.store.Purge(ctx, a.cfg.Retention, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Error("retention purge failed", "err", err)
		case err == nil && !res.Skipped:
			a.log.Info("retention purge", "deleted", res.String())
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
