// Package spool keeps the inbound messages the database could not take.
// When a webhook cannot be committed (the database is down or does not
// answer in time), the channel writes it here (one file per message,
// fsynced, sealed with the data key since it holds a phone number and a
// message) and acknowledges it, so the provider does not give up on it.
// When the database is back, Replay hands the messages to the channel, in
// the order they arrived, and removes each once it is committed; the
// channel's replay is idempotent (the provider's message id), so a crash
// in between replays a message again without doubling it.
//
// Each instance has its own spool directory, on durable storage (the data
// volume). While a sender has messages in the spool, the channel spools
// that sender's new messages too, so one person's messages are handled in
// order.
package spool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/store"
)

// Record is one inbound message as the channel received it.
type Record struct {
	Channel string `json:"channel"`
	// Address, Text, Media: personal data, sealed on disk (the whole
	// record is sealed).
	Address string      `json:"address"`
	Text    string      `json:"text"`
	Media   []bot.Media `json:"media,omitempty"`
	// ExternalID is the provider's message id (Twilio MessageSid): the
	// replay's key against doubles.
	ExternalID string    `json:"external_id"`
	At         time.Time `json:"at"`
}

// aad binds sealed spool files to their purpose.
const aad = "spool.record"

// fileExt names spooled messages; temporary files end in ".tmp".
const fileExt = ".msg"

// badDir holds files that could not be read or replayed: kept for an
// operator, never replayed again.
const badDir = "unreadable"

// MaxFailures is how many times a message is replayed, with the database
// up, before it is set aside in the unreadable directory: a message that
// cannot be handled must not hold up every other.
const MaxFailures = 5

// Spool is a directory of spooled messages. It is safe for concurrent use
// within one process; two processes must not share a directory.
type Spool struct {
	dir  string
	keys *store.Keys

	mu       sync.Mutex
	last     int64          // the last file's stamp, so names stay ordered
	pending  map[string]int // keyed index of channel+address → messages spooled
	count    int
	failures map[string]int // file name → failed replays
}

// Open opens (creating it, mode 0700) the spool directory dir. Messages
// already there (from before a crash) are counted, and sealed ones opened
// with keys.
func Open(dir string, keys *store.Keys) (*Spool, error) {
	if dir == "" || keys == nil {
		return nil, errors.New("spool: Open needs a directory and the data keys")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	s := &Spool{dir: dir, keys: keys, pending: map[string]int{}, failures: map[string]int{}}
	names, err := s.names()
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		r, err := s.read(n)
		if err != nil {
			s.setAside(n)
			continue
		}
		s.pending[s.key(r.Channel, r.Address)]++
		s.count++
	}
	return s, nil
}

// Dir is the spool's directory.
func (s *Spool) Dir() string { return s.dir }

// Len is how many messages wait in the spool.
func (s *Spool) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Holds reports whether the sender has messages waiting in the spool:
// their next message must wait behind them.
func (s *Spool) Holds(channel, address string) bool {
	k := s.key(channel, address)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending[k] > 0
}

// Write stores r durably: it returns only once the file and its directory
// entry are on disk (fsync), so an acknowledgement sent after it is kept.
func (s *Spool) Write(r Record) error {
	plain, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	sealed := s.keys.SealBytes(aad, plain)
	s.mu.Lock()
	stamp := max(time.Now().UnixNano(), s.last+1)
	s.last = stamp
	s.mu.Unlock()
	name := fmt.Sprintf("%020d%s", stamp, fileExt)
	tmp := filepath.Join(s.dir, name+".tmp")
	if err := writeSynced(tmp, sealed); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, name)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("spool: %w", err)
	}
	if err := syncDir(s.dir); err != nil {
		return err
	}
	s.mu.Lock()
	s.pending[s.key(r.Channel, r.Address)]++
	s.count++
	s.mu.Unlock()
	return nil
}

// Replay hands every spooled message to fn, oldest first, and removes each
// one fn took. It stops at the first error, so later messages (of the same
// sender, perhaps) wait behind it; a message fn refused MaxFailures times
// is set aside (see Unreadable). It returns how many messages fn took.
// Call it when the database answers; fn must be idempotent.
func (s *Spool) Replay(ctx context.Context, fn func(context.Context, Record) error) (int, error) {
	names, err := s.names()
	if err != nil {
		return 0, err
	}
	done := 0
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		r, err := s.read(n)
		if err != nil {
			s.setAside(n)
			s.forget(nil)
			continue
		}
		if err := fn(ctx, r); err != nil {
			s.mu.Lock()
			s.failures[n]++
			give := s.failures[n] >= MaxFailures
			s.mu.Unlock()
			if give {
				s.setAside(n)
				s.forget(&r)
				return done, fmt.Errorf("spool: message set aside after %d failed replays: %w", MaxFailures, err)
			}
			return done, err
		}
		if err := os.Remove(filepath.Join(s.dir, n)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return done, fmt.Errorf("spool: %w", err)
		}
		s.forget(&r)
		done++
	}
	if done > 0 {
		if err := syncDir(s.dir); err != nil {
			return done, err
		}
	}
	return done, nil
}

// Unreadable is how many files were set aside in the spool's
// "unreadable" directory (a key no longer in the ring, a damaged file,
// a message that failed MaxFailures replays).
func (s *Spool) Unreadable() int {
	entries, err := os.ReadDir(filepath.Join(s.dir, badDir))
	if err != nil {
		return 0
	}
	return len(entries)
}

// forget takes a replayed (or set aside) message off the counts.
func (s *Spool) forget(r *Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r != nil {
		k := s.key(r.Channel, r.Address)
		if s.pending[k]--; s.pending[k] <= 0 {
			delete(s.pending, k)
		}
		s.count--
	}
}

func (s *Spool) key(channel, address string) string { return s.keys.Index("spool", channel, address) }

// names lists the spooled files, oldest first (the names are fixed-width
// stamps).
func (s *Spool) names() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), fileExt) {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

func (s *Spool) read(name string) (Record, error) {
	sealed, err := os.ReadFile(filepath.Join(s.dir, name))
	if err != nil {
		return Record{}, err
	}
	plain, err := s.keys.OpenBytes(aad, sealed)
	if err != nil {
		return Record{}, err
	}
	var r Record
	if err := json.Unmarshal(plain, &r); err != nil {
		return Record{}, err
	}
	if r.Channel == "" || r.Address == "" || r.ExternalID == "" {
		return Record{}, errors.New("spool: incomplete record")
	}
	return r, nil
}

// setAside moves a file out of the replay's way, keeping it for an
// operator.
func (s *Spool) setAside(name string) {
	bad := filepath.Join(s.dir, badDir)
	if os.MkdirAll(bad, 0o700) == nil {
		_ = os.Rename(filepath.Join(s.dir, name), filepath.Join(bad, name))
	}
	s.mu.Lock()
	delete(s.failures, name)
	s.mu.Unlock()
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(path)
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	return nil
}
