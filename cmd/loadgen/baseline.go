package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/twilio/twilio-go/client"

	"github.com/rightsline/rightsline/store"
)

// baseline is the bare comparison: a minimal net/http handler on loopback
// that does what any SMS webhook must (read a bounded form, check the
// Twilio signature, commit the inbound message and the reply in one
// transaction, answer TwiML) and nothing else: no conversation engine, no
// catalog, no dedupe lookups. Its tables live beside the service's in the
// same database, through the same store (same pool settings, same
// transaction helper), so the ratio measures what the runtime adds.
type baseline struct {
	url   string
	srv   *http.Server
	store *store.Store
}

func startBaseline(ctx context.Context, o options) (*baseline, error) {
	st, err := store.Open(ctx, o.databaseURL)
	if err != nil {
		return nil, err
	}
	if err := createBaselineTables(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		st.Close()
		return nil, err
	}
	b := &baseline{url: "http://" + ln.Addr().String(), store: st}
	validator := client.NewRequestValidator(o.authToken)
	signedURL := b.url + "/twilio/sms"
	mux := http.NewServeMux()
	mux.HandleFunc("POST /twilio/sms", func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		params := map[string]string{}
		for k, v := range r.PostForm {
			params[k] = v[0]
		}
		if !validator.Validate(signedURL, params, r.Header.Get("X-Twilio-Signature")) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		from, body, sid := r.PostForm.Get("From"), r.PostForm.Get("Body"), r.PostForm.Get("MessageSid")
		err := st.InTx(r.Context(), func(tx *store.Tx) error {
			return baselineWrites(r.Context(), tx, o.writes, from, body, sid)
		})
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Message>Reply with a number: 1 Housing 2 Homelessness 3 Discrimination</Message></Response>`)
	})
	b.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go b.srv.Serve(ln)
	return b, nil
}

func (b *baseline) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b.srv.Shutdown(ctx)
	b.store.Close()
}

// baselineWrites locks the sender's row (creating it the first time), as
// the runtime locks the contact, then makes n writes: the inbound message,
// the conversation state, and n-2 replies.
func baselineWrites(ctx context.Context, tx *store.Tx, n int, from, body, sid string) error {
	q := tx.SQL()
	now := time.Now().UTC().Format(time.RFC3339Nano)
	lock := "SELECT phone FROM loadgen_baseline_state WHERE phone = $1"
	if tx.Dialect() == store.Postgres {
		lock += " FOR UPDATE"
	}
	var got string
	if err := q.QueryRowContext(ctx, lock, from).Scan(&got); errors.Is(err, sql.ErrNoRows) {
		if _, err := q.ExecContext(ctx, "INSERT INTO loadgen_baseline_state (phone, state, updated_at) VALUES ($1, '', $2) ON CONFLICT (phone) DO NOTHING", from, now); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, "INSERT INTO loadgen_baseline_messages (phone, direction, body, external_id, created_at) VALUES ($1, 'in', $2, $3, $4)", from, body, sid, now); err != nil {
		return err
	}
	writes := 1
	if writes < n {
		if _, err := q.ExecContext(ctx, "UPDATE loadgen_baseline_state SET state = $2, updated_at = $3 WHERE phone = $1", from, `{"state":"main.menu"}`, now); err != nil {
			return err
		}
		writes++
	}
	for ; writes < n; writes++ {
		if _, err := q.ExecContext(ctx, "INSERT INTO loadgen_baseline_messages (phone, direction, body, external_id, created_at) VALUES ($1, 'out', $2, NULL, $3)", from, "Reply with a number", now); err != nil {
			return err
		}
	}
	return nil
}

func createBaselineTables(ctx context.Context, st *store.Store) error {
	id := "INTEGER PRIMARY KEY AUTOINCREMENT"
	if st.Dialect() == store.Postgres {
		id = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
	}
	stmts := []string{
		"CREATE TABLE IF NOT EXISTS loadgen_baseline_state (phone TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL)",
		fmt.Sprintf("CREATE TABLE IF NOT EXISTS loadgen_baseline_messages (id %s, phone TEXT NOT NULL, direction TEXT NOT NULL, body TEXT NOT NULL, external_id TEXT, created_at TEXT NOT NULL)", id),
		// The same uniqueness the service keeps on inbound provider ids.
		"CREATE UNIQUE INDEX IF NOT EXISTS loadgen_baseline_messages_ext ON loadgen_baseline_messages (external_id) WHERE external_id IS NOT NULL",
		"CREATE INDEX IF NOT EXISTS loadgen_baseline_messages_phone ON loadgen_baseline_messages (phone, id)",
	}
	for _, s := range stmts {
		if _, err := st.DB().ExecContext(ctx, s); err != nil {
			return fmt.Errorf("create baseline tables: %w", err)
		}
	}
	return nil
}
