package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/rightsline/rightsline/store"
)

func TestStaffAddPrintsOneTimePassword(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "staff.db")
	t.Setenv("DATABASE_URL", dbURL)
	var out, errOut bytes.Buffer
	err := dispatch(context.Background(), []string{"staff", "add", "--email", "Ana@Example.org", "--commission", "dc-ohr", "--role", "staff", "--name", "Ana"}, nil, &out, &errOut)
	if err != nil {
		t.Fatalf("staff add: %v (%s)", err, errOut.String())
	}
	m := regexp.MustCompile(`One-time password \(shown only now\): (\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no password printed:\n%s", out.String())
	}
	st := openWithKeyFile(t, dbURL)
	who, err := st.StaffByEmail(context.Background(), "ana@example.org")
	if err != nil || who.CommissionID != "dc-ohr" || !who.MustChangePassword || bcrypt.CompareHashAndPassword([]byte(who.PasswordHash), []byte(m[1])) != nil {
		t.Fatalf("stored account = %+v, %v", who, err)
	}

	// From stdin, for scripts; an unknown commission and bad flags are refused.
	out.Reset()
	err = dispatch(context.Background(), []string{"staff", "add", "--email", "boss@example.org", "--role", "admin", "--password-stdin"},
		strings.NewReader("a long enough password\n"), &out, &errOut)
	if err != nil || strings.Contains(out.String(), "a long enough password") {
		t.Fatalf("admin from stdin: %v, %q", err, out.String())
	}
	err = dispatch(context.Background(), []string{"staff", "add", "--email", "x@example.org", "--commission", "nowhere"}, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "nowhere") {
		t.Fatalf("unknown commission: %v", err)
	}
	for _, args := range [][]string{{"staff"}, {"staff", "add"}, {"staff", "add", "--email", "y@example.org", "--role", "admin", "--commission", "dc-ohr"}, {"staff", "add", "--email", "z@example.org", "--role", "root"}} {
		if err := dispatch(context.Background(), args, nil, io.Discard, io.Discard); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want usage error", args, err)
		}
	}
}

// serveOnce builds the app as serve does and mounts the console,
// returning what it printed.
func serveOnce(t *testing.T, dbURL string, production bool) string {
	t.Helper()
	a := newTestApp(t, dbURL, production)
	defer a.Close()
	var out bytes.Buffer
	a.stdout = &out
	if err := mountConsole(http.NewServeMux(), a); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestServeSeedsDemoAdminOnceOnNewSQLite(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "new.db")
	first := serveOnce(t, dbURL, false)
	if !strings.Contains(first, demoAdminEmail) || !strings.Contains(first, "one-time password:") {
		t.Fatalf("first start did not print the demo admin:\n%s", first)
	}
	if again := serveOnce(t, dbURL, false); again != "" {
		t.Fatalf("second start printed:\n%s", again)
	}
	st := openWithKeyFile(t, dbURL)
	comms, err := st.Commissions(context.Background())
	if err != nil || len(comms) == 0 {
		t.Fatalf("commissions not seeded: %v %v", comms, err)
	}
	if list, _ := st.ListStaff(context.Background()); len(list) != 1 || !list[0].IsAdmin() || !list[0].MustChangePassword {
		t.Fatalf("staff = %+v", list)
	}
}

func TestServeNeverSeedsAdminInProduction(t *testing.T) {
	if out := serveOnce(t, "sqlite:"+filepath.Join(t.TempDir(), "prod.db"), true); out != "" {
		t.Fatalf("production start printed:\n%s", out)
	}
}

// openWithKeyFile opens an embedded SQLite database with the key file
// beside it (as the commands do, creating it if missing): staff e-mails
// and names are sealed with it. The store closes with the test.
func openWithKeyFile(t *testing.T, dbURL string) *store.Store {
	t.Helper()
	k, err := loadKeys(config{DatabaseURL: dbURL}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), dbURL, store.WithKeys(k))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
