package main

import (
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/rightsline/rightsline/bot/sms"
	"github.com/rightsline/rightsline/bot/whatsapp"
	"github.com/rightsline/rightsline/store"
)

// limitPostIP bounds every POST from one client address across the whole
// service (the simulator and the console sign-in add tighter limits of
// their own). Signed webhooks are exempt: they come from Twilio's and
// Discord's servers, are refused unsigned, and are limited per sender.
var limitPostIP = store.Limit{Name: "post-ip", Max: 120, Window: time.Minute}

// signedWebhooks are the paths whose requests carry a provider signature.
var signedWebhooks = []string{sms.InboundPath, sms.StatusPath, whatsapp.InboundPath, whatsapp.StatusPath, "/discord/interactions"}

// clientIPFunc returns how the service names a request's client: the
// connection's peer, unless that peer is one of the trusted proxies, in
// which case the right-most X-Forwarded-For address that is not itself a
// trusted proxy (what the last proxy saw; anything further left the client
// could have written).
func clientIPFunc(trusted []netip.Prefix) func(*http.Request) string {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(r *http.Request) string {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		peer, err := netip.ParseAddr(host)
		if err != nil {
			return host
		}
		peer = peer.Unmap()
		if !isTrusted(peer) {
			return peer.String()
		}
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // a garbled hop: trust nothing left of it
			}
			if a = a.Unmap(); !isTrusted(a) {
				return a.String()
			}
		}
		return peer.String()
	}
}

// secureHeaders sets what every response carries: HSTS when the service
// is public over https, no MIME sniffing, and no framing (a handler with a
// Content-Security-Policy of its own keeps frame-ancestors 'none' in it).
func secureHeaders(https bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if https || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}

// limitPosts counts every POST but the signed webhooks against
// limitPostIP; over it the answer is 429 with Retry-After.
func limitPosts(st *store.Store, clientIP func(*http.Request) string, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || isSignedWebhook(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		v, err := st.Allow(r.Context(), limitPostIP, clientIP(r))
		if err != nil {
			log.Error("rate limit failed", "limit", limitPostIP.Name, "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		if !v.Allowed {
			if v.FirstRefusal {
				log.Warn("rate limit reached", "limit", limitPostIP.Name, "path", r.URL.Path)
			}
			w.Header().Set("Retry-After", strconv.Itoa(int(v.RetryAfter.Seconds())+1))
			http.Error(w, "Too many requests. Please wait a minute and try again.", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func isSignedWebhook(path string) bool {
	for _, p := range signedWebhooks {
		if path == p {
			return true
		}
	}
	return false
}
