package spool_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/spool"
	"github.com/rightsline/rightsline/store"
)

func rec(addr, text, id string) spool.Record {
	return spool.Record{Channel: "sms", Address: addr, Text: text, ExternalID: id, At: time.Now()}
}

// Messages come back oldest first; a failing replay stops there (later
// ones wait) and removes nothing; a message refused MaxFailures times is
// set aside; a file sealed with a key no longer in the ring is set aside
// at Open, never replayed.
func TestSpoolOrderFailuresAndKeys(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	keys := store.EphemeralKeys()
	s, err := spool.Open(dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"a", "b", "c"} {
		if err := s.Write(rec("+1555000100"+string(rune('0'+i)), "m"+id, id)); err != nil {
			t.Fatal(err)
		}
	}
	down := errors.New("database down")
	var seen []string
	n, err := s.Replay(t.Context(), func(_ context.Context, r spool.Record) error {
		seen = append(seen, r.ExternalID)
		if r.ExternalID == "b" {
			return down
		}
		return nil
	})
	if !errors.Is(err, down) || n != 1 || s.Len() != 2 || len(seen) != 2 {
		t.Fatalf("Replay = %d, %v, seen %v, left %d; want a taken, stopped at b", n, err, seen, s.Len())
	}
	for i := 1; i < spool.MaxFailures; i++ {
		if _, err := s.Replay(t.Context(), func(_ context.Context, r spool.Record) error { return down }); err == nil {
			t.Fatal("want an error")
		}
	}
	if s.Len() != 1 || s.Unreadable() != 1 {
		t.Fatalf("after %d failures: %d left, %d set aside; want b set aside", spool.MaxFailures, s.Len(), s.Unreadable())
	}
	seen = nil
	if n, err := s.Replay(t.Context(), func(_ context.Context, r spool.Record) error { seen = append(seen, r.ExternalID); return nil }); err != nil || n != 1 || seen[0] != "c" {
		t.Fatalf("Replay = %d, %v, %v; want c", n, err, seen)
	}
	if err := s.Write(rec("+15550001009", "x", "d")); err != nil {
		t.Fatal(err)
	}
	other, err := spool.Open(dir, store.EphemeralKeys())
	if err != nil {
		t.Fatal(err)
	}
	if other.Len() != 0 || other.Unreadable() != 2 {
		t.Fatalf("opened with other keys: %d pending, %d set aside; want 0 and 2", other.Len(), other.Unreadable())
	}
}

// A record's media come back from the sealed file as written, and the
// file holds neither the URL nor the address in clear.
func TestSpoolKeepsMediaSealed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	s, err := spool.Open(dir, store.EphemeralKeys())
	if err != nil {
		t.Fatal(err)
	}
	r := rec("+15550001234", "photos", "m")
	r.Media = []bot.Media{{URL: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", ContentType: "image/jpeg"}, {URL: "https://api.twilio.com/x/ME2", ContentType: "application/pdf"}}
	if err := s.Write(r); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.msg"))
	if len(files) != 1 {
		t.Fatalf("%d files", len(files))
	}
	raw, _ := os.ReadFile(files[0])
	for _, clear := range []string{"api.twilio.com", "ME1", "+15550001234", "image/jpeg"} {
		if bytes.Contains(raw, []byte(clear)) {
			t.Fatalf("spool file holds %q in clear", clear)
		}
	}
	var got spool.Record
	if _, err := s.Replay(t.Context(), func(_ context.Context, r spool.Record) error { got = r; return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Media, r.Media) {
		t.Fatalf("media = %+v; want %+v", got.Media, r.Media)
	}
}
