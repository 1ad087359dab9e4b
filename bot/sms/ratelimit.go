package sms

import (
	"sync"
	"time"
)

// rateLimiter counts messages per sender in fixed windows. It lives in the
// process: with several instances behind a load balancer a sender may get
// up to limit messages through each instance per window. That is enough
// for its purpose, keeping one phone (or a script) from running up the
// SMS bill and hogging the database, and needs no shared state.
type rateLimiter struct {
	limit  int
	window time.Duration
	mu     sync.Mutex
	byKey  map[string]*windowCount
	sweep  time.Time
}

type windowCount struct {
	start time.Time
	n     int
}

// verdict of one message under the limit.
type rateVerdict int

const (
	rateOK rateVerdict = iota
	// rateNotice: the first message over the limit in this window; it
	// gets the polite notice.
	rateNotice
	// rateQuiet: later messages over the limit; no reply.
	rateQuiet
)

func newRateLimiter(limit int, window time.Duration) *rateLimiter {
	return &rateLimiter{limit: limit, window: window, byKey: map[string]*windowCount{}}
}

// allow counts one message from key at now.
func (l *rateLimiter) allow(key string, now time.Time) rateVerdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > l.window {
		for k, c := range l.byKey {
			if now.Sub(c.start) >= l.window {
				delete(l.byKey, k)
			}
		}
		l.sweep = now
	}
	c, ok := l.byKey[key]
	if !ok || now.Sub(c.start) >= l.window {
		c = &windowCount{start: now}
		l.byKey[key] = c
	}
	c.n++
	switch {
	case c.n <= l.limit:
		return rateOK
	case c.n == l.limit+1:
		return rateNotice
	default:
		return rateQuiet
	}
}
