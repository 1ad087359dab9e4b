package deploy

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
)

// A backup taken with backup.sh while the service runs restores with
// restore.sh into a new database on the same server, with everything the
// backup held and nothing written after it; restore.sh refuses a database
// that already has tables. The test makes its own two databases on the
// test server and drops them; it never touches another database.
func TestBackupAndRestore(t *testing.T) {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("RIGHTSLINE_REQUIRE_POSTGRES") != "" {
			t.Fatal("TEST_DATABASE_URL is not set")
		}
		t.Skip("TEST_DATABASE_URL is not set")
	}
	for _, tool := range []string{"pg_dump", "pg_restore", "psql"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (it comes with the Postgres client)", tool)
		}
	}
	ctx := context.Background()
	suffix := fmt.Sprintf("%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	src, dst := withDatabase(base, "rl_backup_src_"+suffix), withDatabase(base, "rl_backup_dst_"+suffix)
	maint := withDatabase(base, "postgres")
	psql(t, maint, "CREATE DATABASE rl_backup_src_"+suffix)
	t.Cleanup(func() {
		for _, db := range []string{"src", "dst"} {
			exec.Command("psql", maint, "-XqAc", "DROP DATABASE IF EXISTS rl_backup_"+db+"_"+suffix+" WITH (FORCE)").Run()
		}
	})

	st, err := store.Open(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var contactID int64
	err = st.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.ContactForUpdate(ctx, "sms", "+12025550188")
		if err != nil {
			return err
		}
		contactID = c.ID
		m := store.Message{ContactID: c.ID, Direction: store.DirectionIn, Channel: "sms", Body: "hola", ExternalID: "SMbackup1", Status: "received"}
		if err := tx.InsertMessage(ctx, &m); err != nil {
			return err
		}
		r := store.Report{Reference: "RL-BACKUP-01", ContactID: c.ID, Channel: "sms", Lang: "es", Category: "housing",
			Narrative: "el dueño cambió la cerradura", ContactMethod: "this", Consent: true}
		return tx.InsertReport(ctx, &r)
	})
	if err != nil {
		t.Fatal(err)
	}

	dump := filepath.Join(t.TempDir(), "rightsline.dump")
	run(t, "./backup.sh", src, dump)
	if fi, err := os.Stat(dump); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v (want 0600: it holds personal data)", err, fi.Mode())
	}
	// Written after the backup: not in the restore.
	err = st.InTx(ctx, func(tx *store.Tx) error {
		m := store.Message{ContactID: contactID, Direction: store.DirectionIn, Channel: "sms", Body: "later", ExternalID: "SMbackup2", Status: "received"}
		return tx.InsertMessage(ctx, &m)
	})
	if err != nil {
		t.Fatal(err)
	}

	out := run(t, "./restore.sh", dump, dst)
	for _, want := range []string{"created database rl_backup_dst_", "contacts 1", "messages 1", "reports 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("restore output lacks %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`schema version [1-9]`).MatchString(out) {
		t.Errorf("restore output names no schema version:\n%s", out)
	}
	// The service opens the restored database as it is (no migration
	// missing) and finds what was there.
	restored, err := store.Open(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	r, err := restored.ReportByReference(ctx, "RL-BACKUP-01")
	if err != nil || r.Narrative != "el dueño cambió la cerradura" || r.Category != "housing" {
		t.Fatalf("restored report = %+v, %v", r, err)
	}
	if n := psql(t, dst, "SELECT count(*) FROM messages WHERE external_id = 'SMbackup2'"); n != "0" {
		t.Errorf("a message written after the backup was restored (%s)", n)
	}

	// Restoring over a database with tables is refused.
	cmd := exec.Command("./restore.sh", dump, dst)
	b, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(b), "already has") {
		t.Fatalf("restore into a non-empty database: %v\n%s", err, b)
	}
	// A file that is not an archive is refused before anything is created.
	junk := filepath.Join(t.TempDir(), "junk.dump")
	os.WriteFile(junk, []byte("not a dump"), 0o600)
	if b, err := exec.Command("./restore.sh", junk, withDatabase(base, "rl_backup_never_"+suffix)).CombinedOutput(); err == nil {
		t.Fatalf("restored junk:\n%s", b)
	}
	if n := psql(t, maint, "SELECT count(*) FROM pg_database WHERE datname = 'rl_backup_never_"+suffix+"'"); n != "0" {
		t.Error("a database was created for a junk archive")
	}
}

// withDatabase is url with its database name replaced.
func withDatabase(url, name string) string {
	return regexp.MustCompile(`^(postgres(ql)?://[^/]*)/?[^?]*`).ReplaceAllString(url, "${1}/"+name)
}

func psql(t *testing.T, url, sql string) string {
	t.Helper()
	out, err := exec.Command("psql", url, "-XtAc", sql).CombinedOutput()
	if err != nil {
		t.Fatalf("psql %q: %v\n%s", sql, err, out)
	}
	return strings.TrimSpace(string(out))
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
	return string(out)
}
