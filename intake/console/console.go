// Package console is the staff review console at /console: a
// server-rendered web application (html/template, one small CSS file, no
// JavaScript) where commission staff sign in, work through the queue of
// reports routed to their commission, change a report's status, write
// internal notes and send the resident a pre-translated update.
//
// Security model, in one place:
//   - Passwords are bcrypt hashes, computed in a small pool (at most half
//     the cores) so sign-ins never starve the webhooks. Sign-in attempts are
//     limited per client address (LimitLoginIP) in the store; after
//     FreeFailedLogins wrong passwords an account's attempts wait a growing
//     delay (loginDelay) instead of being locked, so nobody can lock a
//     member out. An unknown email costs the same bcrypt comparison as a
//     known one. New passwords need MinPasswordLength characters and must
//     not be a common one (data/common-passwords.txt).
//   - Access-control failures (CSRF, another site, out-of-scope pages) are
//     logged and audited as access.denied, without personal data.
//   - A session is a random 256-bit token in an HttpOnly, SameSite=Lax cookie
//     scoped to /console (Secure when the service's public URL is https);
//     the database stores only its SHA-256.
//   - Every state-changing request passes http.CrossOriginProtection (the
//     browser's Sec-Fetch-Site/Origin headers) AND carries the session's
//     CSRF token in the form; either failing gives 403.
//   - Staff see only their own commission's reports; any other report is
//     404 on every route, exactly as if it did not exist. Admins see every
//     report, including the default queue (reports routed to no commission).
//   - Every view and every change of a report writes an audit_log row in the
//     same transaction as the change (for a view: before the page is sent).
//   - Everything a resident wrote is rendered as text by html/template.
//
// Routes are listed in routes.go; one handler per file; templates are
// embedded and parsed when the console is built, so a broken template
// stops start-up rather than a request.
package console

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Path is where the console is mounted.
const Path = "/console"

// Login policy.
const (
	// SessionIdle ends a session nobody used for this long.
	SessionIdle = 2 * time.Hour
	// SessionMax ends any session this long after sign-in.
	SessionMax = 12 * time.Hour
	// MinPasswordLength applies to passwords staff choose.
	MinPasswordLength = 12
)

// NotifyFunc queues a pre-translated update (templateID, e.g.
// "update.status.accepted") to the resident who filed r, in r.Lang, on
// the channel they used, inside tx, so the update is sent if and only if
// the change that caused it commits. intake.NotifyResident is one.
type NotifyFunc func(ctx context.Context, tx *store.Tx, r store.Report, templateID string) error

// PreviewFunc renders the update templateID for report r in language l,
// exactly as the resident would receive it; the console shows staff the
// English rendering before they send.
type PreviewFunc func(r store.Report, l locales.Lang, templateID string) (string, error)

// DeliverableFunc says, inside tx and without queueing anything, why an
// update about r could not reach the resident now (a channel that is off,
// an opt-out, a number SMS cannot reach); "" when it can.
// intake.Service.Deliverable is one.
type DeliverableFunc func(ctx context.Context, tx *store.Tx, r store.Report) string

// SendNoteFunc says, inside tx and without queueing anything, how update
// templateID about r would go (note) or why it cannot (refusal).
type SendNoteFunc func(ctx context.Context, tx *store.Tx, r store.Report, templateID string) (note, refusal string)

// Config is what the console needs. Store, Notify and Preview are required.
type Config struct {
	Store *store.Store
	// Notify queues resident updates; Preview renders them for staff.
	Notify  NotifyFunc
	Preview PreviewFunc
	// Deliverable refuses updates that could not be delivered, with the
	// reason, before they are queued; nil checks only the resident's
	// contact choice.
	Deliverable DeliverableFunc
	// SendNote says how an update would go now when its channel sends it
	// other than as written (a WhatsApp template outside the 24-hour
	// window), or why it cannot go; the report page shows it by each
	// update, and an update it refuses is not queued.
	// intake.Service.SendNote is one; nil: every update goes as written.
	SendNote SendNoteFunc
	// UpdateTemplates lists the template IDs staff may send by hand, in
	// the order shown (e.g. "update.request_info", "update.general").
	// Status changes send "update.status.<status>" by themselves.
	UpdateTemplates []string
	// Categories lists the report category slugs, for the queue filter.
	Categories []string
	// SecureCookies marks cookies Secure: set it when the public base URL
	// is https. Browsers drop Secure cookies over plain http, so it must be
	// off for http://localhost.
	SecureCookies bool
	Log           *slog.Logger
	// Catalog is the catalog translators review at /console/translate
	// (nil: no translation pages). TranslationsChanged, if set, is called
	// after every change there, to apply the edits to the running service
	// at once (ApplyTranslationEdits); other instances poll.
	Catalog             *locales.Catalog
	TranslationsChanged func(context.Context) error
	// Retention is the schedule in force, shown at /console/retention.
	Retention store.Retention
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ClientIP names a request's client address (rate limits, audit
	// log); nil means the connection's peer.
	ClientIP func(*http.Request) string
	// Sleep waits out a sign-in delay; nil means a timer that ends early
	// when the request does. Tests record the delays instead.
	Sleep func(ctx context.Context, d time.Duration)
}

// Console serves the staff console.
type Console struct {
	cfg     Config
	store   *store.Store
	log     *slog.Logger
	pages   *pages
	handler http.Handler
	// labels is the catalog code labels come from: cfg.Catalog, or the
	// embedded one when the console has no translation pages.
	labels *locales.Catalog
}

// New checks cfg, parses the templates and builds the routes.
func New(cfg Config) (*Console, error) {
	if cfg.Store == nil || cfg.Notify == nil || cfg.Preview == nil {
		return nil, errors.New("console: Store, Notify and Preview are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	c := &Console{cfg: cfg, store: cfg.Store, log: cfg.Log, pages: p, labels: cfg.Catalog}
	if c.labels == nil {
		if c.labels, err = embeddedCatalog(); err != nil {
			return nil, err
		}
	}
	c.handler = c.routes()
	return c, nil
}

// ServeHTTP serves every request under Path.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.handler.ServeHTTP(w, r)
}

// Register mounts the console on mux at Path.
func (c *Console) Register(mux *http.ServeMux) {
	mux.Handle(Path+"/", c)
	mux.Handle("GET "+Path, http.RedirectHandler(Path+"/", http.StatusMovedPermanently))
}

// embeddedCatalog loads the embedded catalog once per process, for the
// labels of a console built without one.
var embeddedCatalog = sync.OnceValues(locales.Load)

func (c *Console) now() time.Time { return c.cfg.Now().UTC() }
