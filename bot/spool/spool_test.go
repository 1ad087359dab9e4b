package spool_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

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
