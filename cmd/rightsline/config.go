package main

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/media"
	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/bot/web"
	"github.com/rightsline/rightsline/intake/publicstats"
	"github.com/rightsline/rightsline/intake/staffmail"
	"github.com/rightsline/rightsline/store"
)

// config is everything the service reads from the environment. Every
// variable is listed in .env.example and the README; secrets may also be
// given as NAME_FILE, the path of a file holding the value.
type config struct {
	ListenAddr  string
	DatabaseURL string
	// Retention is the schedule the purge job keeps; RetentionInterval how
	// often it runs.
	Retention         store.Retention
	RetentionInterval time.Duration
	// DataKeys is the keyring that seals personal data (store.ParseKeys).
	DataKeys        string
	PublicBaseURL   string
	Production      bool
	IdleTimeout     time.Duration
	ShutdownTimeout time.Duration
	LogLevel        string
	LogFormat       string
	// SimulatorEnabled mounts /try: on by default, off in production
	// unless SIMULATOR_ENABLED=true.
	SimulatorEnabled bool
	// QuickExitURL is the neutral page /try's "Leave now" opens.
	QuickExitURL string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed when naming a client's address (rate limits, audit log).
	TrustedProxies []netip.Prefix
	// DrainTimeout is how long serve keeps answering, with /readyz failing,
	// after SIGTERM before it stops taking requests.
	DrainTimeout time.Duration
	// SpoolDir is where inbound SMS the database cannot take are kept
	// until it is back (bot/spool); "off" answers them 500 instead.
	SpoolDir         string
	HTTPReadTimeout  time.Duration
	HTTPWriteTimeout time.Duration
	HTTPIdleTimeout  time.Duration

	// Database pool (Postgres) and start-up.
	DBMaxOpenConns    int
	DBMaxIdleConns    int
	DBConnMaxLifetime time.Duration
	DBConnMaxIdleTime time.Duration
	// DBStartupTimeout is how long start-up keeps trying to reach the
	// database, with growing pauses, before it gives up.
	DBStartupTimeout time.Duration

	Outbox outboxConfig

	TwilioAccountSID          string
	TwilioAuthToken           string
	TwilioFrom                string
	TwilioMessagingServiceSID string
	TwilioAdvancedOptOut      bool
	SMSRateLimitPerMinute     int
	// TwilioMediaBaseURL is the host inbound MediaUrl<i> must be on;
	// "" means https://api.twilio.com. Tests point it at a fake Twilio.
	TwilioMediaBaseURL string
	// WhatsApp through Twilio (the account above): on when
	// TWILIO_WHATSAPP_FROM is set.
	WhatsAppFrom               string
	WhatsAppTemplatesFile      string
	WhatsAppRateLimitPerMinute int

	// TwilioMediaDelete deletes MMS media from Twilio once stored here.
	TwilioMediaDelete bool

	// Media: photos and documents sent during a report (bot/media).
	MediaMaxBytes     int
	MediaMaxPerReport int
	MediaMaxAttempts  int

	DiscordAppID     string
	DiscordPublicKey string
	DiscordBotToken  string

	// SMTP sends staff e-mail (intake/staffmail); off without SMTP_HOST.
	SMTP staffmail.SMTP
	// StaffMailDigestHour is the UTC hour the daily digest goes from;
	// StaffMailPoll how often new reports are looked for.
	StaffMailDigestHour int
	StaffMailPoll       time.Duration
	// StatsMinCell is the smallest count /stats publishes.
	StatsMinCell int
}

// outboxConfig tunes the outbox dispatcher (bot/outbox).
type outboxConfig struct {
	PollInterval        time.Duration
	Batch               int
	Concurrency         int
	MaxAttempts         int
	BaseBackoff         time.Duration
	MaxBackoff          time.Duration
	SendTimeout         time.Duration
	PerAddressPerMinute int
	// Lease is how long a claim holds its rows between heartbeats.
	Lease time.Duration
}

// envReader reads typed values and collects every problem, so a bad
// configuration is reported all at once.
type envReader struct {
	lookup func(string) (string, bool)
	errs   []error
}

func (r *envReader) str(name, def string) string {
	if v, ok := r.lookup(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

// secret reads NAME, or the file named by NAME_FILE.
func (r *envReader) secret(name string) string {
	if v := r.str(name, ""); v != "" {
		return v
	}
	path := r.str(name+"_FILE", "")
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s_FILE: %w", name, err))
		return ""
	}
	return strings.TrimSpace(string(b))
}

func (r *envReader) boolean(name string, def bool) bool {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not true or false", name, v))
		return def
	}
	return b
}

func (r *envReader) duration(name string, def time.Duration) time.Duration {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not a positive duration such as 72h or 30s", name, v))
		return def
	}
	return d
}

// durationOrZero is duration that also accepts 0 (to turn a wait off).
func (r *envReader) durationOrZero(name string, def time.Duration) time.Duration {
	if v := r.str(name, ""); v == "0" {
		return 0
	}
	return r.duration(name, def)
}

func (r *envReader) integer(name string, def int) int {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not a positive whole number", name, v))
		return def
	}
	return n
}

// prefixes reads a comma-separated list of IP addresses and CIDR prefixes.
func (r *envReader) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, f := range strings.Split(r.str(name, ""), ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				r.errs = append(r.errs, fmt.Errorf("%s: %q is not an IP address or prefix", name, f))
				continue
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			r.errs = append(r.errs, fmt.Errorf("%s: %q is not an IP address or prefix", name, f))
			continue
		}
		out = append(out, p.Masked())
	}
	return out
}

// days reads a number of days (0 keeps forever).
func (r *envReader) days(name string, def int) time.Duration {
	n := r.integer(name, def)
	if n < 0 {
		r.errs = append(r.errs, fmt.Errorf("%s: %d is negative (0 keeps forever)", name, n))
	}
	return time.Duration(n) * 24 * time.Hour
}

// daysBy reads "id:days,id:days" (commission ids; "default" is the queue
// without a commission).
func (r *envReader) daysBy(name string) map[string]time.Duration {
	out := map[string]time.Duration{}
	v := r.str(name, "")
	for _, part := range strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ' ' }) {
		id, d, ok := strings.Cut(part, ":")
		n, err := strconv.Atoi(d)
		if !ok || err != nil || n < 0 || id == "" {
			r.errs = append(r.errs, fmt.Errorf("%s: %q is not commission:days", name, part))
			continue
		}
		if id == "default" {
			id = ""
		}
		out[id] = time.Duration(n) * 24 * time.Hour
	}
	return out
}

// loadConfig reads the configuration from lookup (os.LookupEnv in main).
func loadConfig(lookup func(string) (string, bool)) (config, error) {
	r := &envReader{lookup: lookup}
	c := config{
		ListenAddr:      r.str("LISTEN_ADDR", ":8080"),
		SpoolDir:        r.str("SPOOL_DIR", "spool"),
		DatabaseURL:     r.secret("DATABASE_URL"),
		DataKeys:        r.secret("DATA_KEYS"),
		PublicBaseURL:   strings.TrimRight(r.str("PUBLIC_BASE_URL", ""), "/"),
		Production:      r.boolean("RIGHTSLINE_PRODUCTION", false),
		IdleTimeout:     r.duration("CONVERSATION_IDLE_TIMEOUT", 72*time.Hour),
		ShutdownTimeout: r.duration("SHUTDOWN_TIMEOUT", 15*time.Second),
		LogLevel:        r.str("LOG_LEVEL", "info"),
		LogFormat:       r.str("LOG_FORMAT", "text"),
		QuickExitURL:    r.str("QUICK_EXIT_URL", web.DefaultQuickExitURL),
		TrustedProxies:  r.prefixes("TRUSTED_PROXIES"),

		DrainTimeout:     r.durationOrZero("DRAIN_TIMEOUT", 5*time.Second),
		HTTPReadTimeout:  r.duration("HTTP_READ_TIMEOUT", 30*time.Second),
		HTTPWriteTimeout: r.duration("HTTP_WRITE_TIMEOUT", 30*time.Second),
		HTTPIdleTimeout:  r.duration("HTTP_IDLE_TIMEOUT", 120*time.Second),

		DBMaxOpenConns:    r.integer("DB_MAX_OPEN_CONNS", store.DefaultMaxOpenConns),
		DBMaxIdleConns:    r.integer("DB_MAX_IDLE_CONNS", store.DefaultMaxIdleConns),
		DBConnMaxLifetime: r.duration("DB_CONN_MAX_LIFETIME", store.DefaultConnMaxLifetime),
		DBConnMaxIdleTime: r.duration("DB_CONN_MAX_IDLE_TIME", store.DefaultConnMaxIdleTime),
		DBStartupTimeout:  r.durationOrZero("DB_STARTUP_TIMEOUT", 60*time.Second),

		Outbox: outboxConfig{
			PollInterval:        r.duration("OUTBOX_POLL_INTERVAL", outbox.DefaultPollInterval),
			Batch:               r.integer("OUTBOX_BATCH", outbox.DefaultBatch),
			Concurrency:         r.integer("OUTBOX_CONCURRENCY", outbox.DefaultConcurrency),
			MaxAttempts:         r.integer("OUTBOX_MAX_ATTEMPTS", outbox.DefaultMaxAttempts),
			BaseBackoff:         r.duration("OUTBOX_BASE_BACKOFF", outbox.DefaultBaseBackoff),
			MaxBackoff:          r.duration("OUTBOX_MAX_BACKOFF", outbox.DefaultMaxBackoff),
			SendTimeout:         r.duration("OUTBOX_SEND_TIMEOUT", outbox.DefaultSendTimeout),
			PerAddressPerMinute: r.integer("OUTBOX_PER_ADDRESS_PER_MINUTE", outbox.DefaultPerAddressPerMin),
			Lease:               r.duration("OUTBOX_LEASE", outbox.DefaultLease),
		},

		TwilioAccountSID:           r.str("TWILIO_ACCOUNT_SID", ""),
		TwilioAuthToken:            r.secret("TWILIO_AUTH_TOKEN"),
		TwilioFrom:                 r.str("TWILIO_FROM", ""),
		TwilioMessagingServiceSID:  r.str("TWILIO_MESSAGING_SERVICE_SID", ""),
		TwilioAdvancedOptOut:       r.boolean("TWILIO_ADVANCED_OPT_OUT", false),
		SMSRateLimitPerMinute:      r.integer("SMS_RATE_LIMIT_PER_MINUTE", 20),
		WhatsAppFrom:               r.str("TWILIO_WHATSAPP_FROM", ""),
		WhatsAppTemplatesFile:      r.str("WHATSAPP_TEMPLATES_FILE", ""),
		WhatsAppRateLimitPerMinute: r.integer("WHATSAPP_RATE_LIMIT_PER_MINUTE", 20),
		TwilioMediaBaseURL:         r.str("TWILIO_MEDIA_BASE_URL", ""),
		TwilioMediaDelete:          r.boolean("TWILIO_MEDIA_DELETE", false),

		MediaMaxBytes:     r.integer("MEDIA_MAX_BYTES", media.DefaultMaxBytes),
		MediaMaxPerReport: r.integer("MEDIA_MAX_PER_REPORT", bot.DefaultMaxMediaPerReport),
		MediaMaxAttempts:  r.integer("MEDIA_MAX_ATTEMPTS", media.DefaultMaxAttempts),

		DiscordAppID:     r.str("DISCORD_APP_ID", ""),
		DiscordPublicKey: r.str("DISCORD_PUBLIC_KEY", ""),
		DiscordBotToken:  r.secret("DISCORD_BOT_TOKEN"),

		SMTP: staffmail.SMTP{
			Host:     r.str("SMTP_HOST", ""),
			Port:     r.integer("SMTP_PORT", 587),
			Username: r.str("SMTP_USERNAME", ""),
			Password: r.secret("SMTP_PASSWORD"),
			From:     r.str("SMTP_FROM", ""),
			TLS:      r.str("SMTP_TLS", "starttls"),
		},
		StaffMailDigestHour: r.integer("STAFF_MAIL_DIGEST_HOUR", 12),
		StaffMailPoll:       r.duration("STAFF_MAIL_POLL_INTERVAL", 30*time.Second),
		StatsMinCell:        r.integer("STATS_MIN_CELL", publicstats.DefaultThreshold),
	}
	if c.StatsMinCell < publicstats.MinThreshold {
		r.errs = append(r.errs, fmt.Errorf("STATS_MIN_CELL: %d is under %d; smaller published counts can identify people", c.StatsMinCell, publicstats.MinThreshold))
	}
	if c.SMTP.Enabled() {
		if err := c.SMTP.Check(); err != nil {
			r.errs = append(r.errs, err)
		}
	}
	if c.MediaMaxBytes < 1<<10 || c.MediaMaxBytes > 64<<20 {
		r.errs = append(r.errs, fmt.Errorf("MEDIA_MAX_BYTES: %d is not between 1 KiB and 64 MiB", c.MediaMaxBytes))
	}
	if c.MediaMaxPerReport < 1 || c.MediaMaxPerReport > 50 {
		r.errs = append(r.errs, fmt.Errorf("MEDIA_MAX_PER_REPORT: %d is not between 1 and 50", c.MediaMaxPerReport))
	}
	if c.MediaMaxAttempts < 1 {
		r.errs = append(r.errs, fmt.Errorf("MEDIA_MAX_ATTEMPTS: %d must be at least 1", c.MediaMaxAttempts))
	}
	if c.StaffMailDigestHour < 0 || c.StaffMailDigestHour > 23 {
		r.errs = append(r.errs, fmt.Errorf("STAFF_MAIL_DIGEST_HOUR: %d is not an hour 0–23", c.StaffMailDigestHour))
	}
	c.SimulatorEnabled = r.boolean("SIMULATOR_ENABLED", !c.Production)
	if u, err := url.Parse(c.QuickExitURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		r.errs = append(r.errs, fmt.Errorf("QUICK_EXIT_URL: %q must be a full http(s) address of a neutral page", c.QuickExitURL))
	}
	c.Retention = store.Retention{
		Conversations:   r.days("RETENTION_CONVERSATION_DAYS", 30),
		Delivery:        r.days("RETENTION_DELIVERY_DAYS", 30),
		ClosedReports:   r.days("RETENTION_CLOSED_REPORT_DAYS", 1095),
		ClosedReportsBy: r.daysBy("RETENTION_CLOSED_REPORT_DAYS_BY_COMMISSION"),
	}
	c.RetentionInterval = r.duration("RETENTION_INTERVAL", time.Hour)
	if c.DatabaseURL == "" {
		c.DatabaseURL = "sqlite:rightsline.db"
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		r.errs = append(r.errs, fmt.Errorf("LOG_LEVEL: %q is not debug, info, warn or error", c.LogLevel))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		r.errs = append(r.errs, fmt.Errorf("LOG_FORMAT: %q is not text or json", c.LogFormat))
	}
	if c.PublicBaseURL != "" && !strings.HasPrefix(c.PublicBaseURL, "https://") && !strings.HasPrefix(c.PublicBaseURL, "http://") {
		r.errs = append(r.errs, fmt.Errorf("PUBLIC_BASE_URL: %q must start with https:// (or http:// for local testing)", c.PublicBaseURL))
	}
	if c.DBMaxIdleConns > c.DBMaxOpenConns {
		c.DBMaxIdleConns = c.DBMaxOpenConns
	}
	if c.Outbox.Lease < 3*time.Second {
		r.errs = append(r.errs, errors.New("OUTBOX_LEASE must be at least 3s (it is renewed every third of it)"))
	}
	if c.Outbox.MaxBackoff < c.Outbox.BaseBackoff {
		r.errs = append(r.errs, errors.New("OUTBOX_MAX_BACKOFF must not be shorter than OUTBOX_BASE_BACKOFF"))
	}
	if c.Production && strings.HasPrefix(c.DatabaseURL, "sqlite:") {
		r.errs = append(r.errs, errors.New("RIGHTSLINE_PRODUCTION is set but DATABASE_URL is SQLite: production runs on Postgres"))
	}
	return c, errors.Join(r.errs...)
}
