package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// InConversation runs fn in one transaction, as InTx does (with the same
// retries on contention), with the contact (channel, address) found or
// created and locked, and its saved conversation state, nil when it has
// none: what [Tx.ConversationForUpdate] returns. It is the runtime's
// per-message transaction.
//
// On Postgres it saves two round trips of the usual message's five: the
// transaction's BEGIN is sent together with the statement that locks and
// loads the contact and its conversation (a pgx batch on the pool's
// connection, which the store then begins and ends itself), and a step
// written with [Tx.RecordStepAtCommit] is sent together with the COMMIT.
// limits are the rate limits fn may count against address with
// [Tx.Allow]: their buckets are read in the same batch, after the lock (so
// no other message of the contact can count meanwhile), Allow decides
// from that count and the hit goes with the COMMIT too: a usual message
// then costs two round trips. Elsewhere it is InTx and
// ConversationForUpdate.
func (s *Store) InConversation(ctx context.Context, channel, address string, fn func(tx *Tx, c Contact, state []byte) error, limits ...Limit) error {
	if channel == "" || address == "" {
		return errors.New("store: InConversation: channel and address must not be empty")
	}
	if s.dialect != Postgres {
		return s.InTx(ctx, func(tx *Tx) error {
			c, state, err := tx.ConversationForUpdate(ctx, channel, address)
			if err != nil {
				return err
			}
			return fn(tx, c, state)
		})
	}
	return s.retry(ctx, func() error {
		start := time.Now()
		err := s.inConversationOnce(ctx, channel, address, fn, limits)
		s.observeTx(start, err)
		return err
	})
}

// inConversationOnce is one attempt of InConversation on Postgres.
func (s *Store) inConversationOnce(ctx context.Context, channel, address string, fn func(tx *Tx, c Contact, state []byte) error, limits []Limit) (err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: begin transaction: %w", err)
	}
	tx := &Tx{conn: conn, store: s}
	tx.tx = connQuerier{tx}
	// open: a transaction may be open on conn, to be rolled back before
	// conn goes back to the pool (whose session reset would otherwise
	// discard it).
	open := true
	defer func() {
		if open {
			tx.rollbackConn()
		}
		_ = conn.Close()
	}()

	k := s.keys
	var c Contact
	var state []byte
	var lockErr error
	err = conn.Raw(func(dc any) error {
		pc, err := pgxConn(dc)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		b.Queue("begin")
		b.Queue(query(Postgres, "ContactConversationForUpdate"), channel, k.addressIndex(channel, address))
		peeks := tx.peekBuckets(b, address, limits)
		br := pc.SendBatch(ctx, b)
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			open = pc.PgConn().TxStatus() != 'I'
			return fmt.Errorf("store: begin transaction: %w", err)
		}
		c, state, lockErr = scanContactState(k, br.QueryRow())
		if lockErr == nil {
			for _, p := range peeks {
				if err := p.read(br.QueryRow()); err != nil {
					_ = br.Close()
					open = pc.PgConn().TxStatus() != 'I'
					return fmt.Errorf("store: rate limit %s: %w", p.lim.Name, err)
				}
			}
			// Read under the lock only: for a new contact the lock
			// is taken later, and Allow counts as usual.
			tx.peeked = peeks
		}
		err = br.Close()
		open = pc.PgConn().TxStatus() != 'I'
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store: lock contact: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	switch {
	case lockErr == nil:
		if state == nil {
			state = []byte{}
		}
	case errors.Is(lockErr, ErrNotFound):
		// A new contact, or one without a conversation yet.
		created := false
		if c, created, err = tx.createContact(ctx, channel, address, limits); err != nil {
			return err
		}
		if !created {
			if c, state, err = tx.conversationSlow(ctx, channel, address); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("store: lock contact: %w", lockErr)
	}

	err = fn(tx, c, state)
	if tx.err != nil {
		return tx.err // a step sent early failed; what followed could only fail
	}
	if err != nil {
		return err
	}
	if err := tx.commitConn(ctx, &open); err != nil {
		return err
	}
	for _, fn := range tx.committed {
		fn(s.observer)
	}
	return nil
}

// createContact creates the contact (channel, address) if no contact has
// that address, in one round trip on InConversation's connection: the
// insert (which holds the new row until the transaction ends, as a lock
// would; nothing else can see it meanwhile), a suppression left by an
// erased opted-out contact of the address consumed, and the rate-limit
// buckets of limits read for Tx.Allow, as for a contact found with its
// conversation. created is false, and nothing was written, when the
// address has a contact (with no conversation, or made meanwhile by
// another transaction): the caller then takes the usual path.
func (tx *Tx) createContact(ctx context.Context, channel, address string, limits []Limit) (c Contact, created bool, err error) {
	k := tx.store.keys
	idx := k.addressIndex(channel, address)
	all := append([]string{idx}, k.olderIndexes("contact", channel, address)...)
	var suppressed int64
	err = tx.conn.Raw(func(dc any) error {
		pc, err := pgxConn(dc)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		b.Queue(query(Postgres, "CreateContactPostgres"), channel, k.sealString(aadContactAddress, address), idx, k.CurrentID(),
			tx.time(tx.store.clock()), k.IndexID(), all)
		peeks := tx.peekBuckets(b, address, limits)
		br := pc.SendBatch(ctx, b)
		c, err = scanContact(k, rowPlus{br.QueryRow(), &suppressed})
		switch {
		case errors.Is(err, ErrNotFound):
			return br.Close()
		case err != nil:
			_ = br.Close()
			return fmt.Errorf("store: create contact: %w", err)
		}
		created = true
		for _, p := range peeks {
			if err := p.read(br.QueryRow()); err != nil {
				_ = br.Close()
				return fmt.Errorf("store: rate limit %s: %w", p.lim.Name, err)
			}
		}
		tx.peeked = peeks
		return br.Close()
	})
	if err != nil || !created {
		return Contact{}, false, err
	}
	if suppressed > 0 {
		// The erased contact had opted out: the new one starts so.
		if _, err := tx.exec(ctx, "OptOutContact", c.ID); err != nil {
			return Contact{}, false, fmt.Errorf("store: create contact: %w", err)
		}
		c.OptedOut = true
	}
	return c, true, nil
}

// rowPlus scans a row into the destinations asked for and then extra.
type rowPlus struct {
	row   scanner
	extra any
}

func (r rowPlus) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra)...) }

// commitConn commits InConversation's transaction, sending the
// statements queued for it (RecordStepAtCommit's, Allow's) with the
// COMMIT, in one batch.
func (tx *Tx) commitConn(ctx context.Context, open *bool) error {
	return tx.send(ctx, true, open)
}

// queued is a statement held back to go with the COMMIT. done takes its
// row and returns the error that fails the transaction, nil to go on.
type queued struct {
	name string
	args []any
	done func(row scanner) error
}

// send sends the queued statements, and COMMIT after them when commit is
// set, in one batch. The COMMIT is the batch's last statement: if one
// before it fails, the server skips the rest (it skips everything after
// an error up to the batch's end) and the transaction stays open and
// failed, for the caller to roll back.
func (tx *Tx) send(ctx context.Context, commit bool, open *bool) error {
	q := tx.queue
	tx.queue = nil
	if len(q) == 0 && !commit {
		return nil
	}
	var stmtErr error
	err := tx.conn.Raw(func(dc any) error {
		pc, err := pgxConn(dc)
		if err != nil {
			return err
		}
		defer func() { *open = pc.PgConn().TxStatus() != 'I' }()
		if len(q) == 0 {
			tag, err := pc.Exec(ctx, "commit")
			if err != nil {
				return fmt.Errorf("store: commit: %w", err)
			}
			if tag.String() == "ROLLBACK" {
				return fmt.Errorf("store: commit: %w", pgx.ErrTxCommitRollback)
			}
			return nil
		}
		b := &pgx.Batch{}
		for _, st := range q {
			b.Queue(query(Postgres, st.name), st.args...)
		}
		if commit {
			b.Queue("commit")
		}
		br := pc.SendBatch(ctx, b)
		for _, st := range q {
			if stmtErr = st.done(br.QueryRow()); stmtErr != nil {
				_ = br.Close()
				return nil
			}
		}
		if !commit {
			return br.Close()
		}
		tag, err := br.Exec()
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("store: commit: %w", err)
		}
		if tag.String() == "ROLLBACK" {
			// An earlier statement had failed (and fn went on): the
			// queued ones and the COMMIT ran in a failed transaction.
			return fmt.Errorf("store: commit: %w", pgx.ErrTxCommitRollback)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return stmtErr
}

// rollbackConn rolls back InConversation's transaction; a connection
// that cannot be rolled back is discarded, not returned to the pool.
func (tx *Tx) rollbackConn() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = tx.conn.Raw(func(dc any) error {
		pc, err := pgxConn(dc)
		if err != nil {
			return driver.ErrBadConn
		}
		if pc.IsClosed() {
			return driver.ErrBadConn
		}
		if pc.PgConn().TxStatus() == 'I' {
			return nil
		}
		if _, err := pc.Exec(ctx, "rollback"); err != nil || pc.PgConn().TxStatus() != 'I' {
			return driver.ErrBadConn
		}
		return nil
	})
}

// pgxConn is the pgx connection under a database/sql connection of the
// pgx stdlib driver.
func pgxConn(dc any) (*pgx.Conn, error) {
	c, ok := dc.(*stdlib.Conn)
	if !ok {
		return nil, fmt.Errorf("store: not a pgx connection: %T", dc)
	}
	return c.Conn(), nil
}

// flush sends the queued statements now, because another statement
// follows them; a failure of one of them ends the transaction.
func (tx *Tx) flush(ctx context.Context) {
	if len(tx.queue) == 0 {
		return
	}
	var open bool
	if err := tx.send(ctx, false, &open); err != nil && tx.err == nil {
		tx.err = err
	}
}

// connQuerier runs InConversation's statements on its connection, each
// after those queued for the COMMIT, so they keep their order.
type connQuerier struct{ tx *Tx }

func (q connQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q.tx.flush(ctx)
	return q.tx.conn.ExecContext(ctx, query, args...)
}

func (q connQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q.tx.flush(ctx)
	return q.tx.conn.QueryContext(ctx, query, args...)
}

func (q connQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	q.tx.flush(ctx)
	return q.tx.conn.QueryRowContext(ctx, query, args...)
}
