package main

import (
	"path/filepath"
	"testing"
)

// BenchmarkStartupInProcess builds the service as serve does (newApp and
// newHandler) on an existing SQLite database: the part of start-up a CPU
// profile can see (package initialisation is not in it: see loadgen
// -startup for the whole process).
func BenchmarkStartupInProcess(b *testing.B) {
	db := "sqlite:" + filepath.Join(b.TempDir(), "existing.db")
	newTestApp(b, db, false).Close() // create and migrate it once
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := newTestApp(b, db, false)
		if _, err := newHandler(a); err != nil {
			b.Fatal(err)
		}
		a.Close()
	}
}
