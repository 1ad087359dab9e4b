package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/store"
)

// metrics is what GET /metrics shows, in Prometheus's text format. Label
// values come only from bounded sets the service defines (route patterns,
// channel names, status codes, commission ids, category slugs, provider
// error codes), each passed through label, so no phone number, user id,
// name, reference or message text can become a label.
type metrics struct {
	reg *prometheus.Registry

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	messages     *prometheus.CounterVec
	engineStep   prometheus.Histogram
	txDuration   *prometheus.HistogramVec
	outboxSends  *prometheus.CounterVec
	outboxFails  *prometheus.CounterVec
	reports      *prometheus.CounterVec
	leader       prometheus.Gauge
	leaderGains  prometheus.Counter
	outboxDown   prometheus.Gauge
	outboxOutage prometheus.Counter
	outboxDoubt  *prometheus.CounterVec
	spooled      *prometheus.CounterVec
	spoolPending prometheus.Gauge
	media        *prometheus.CounterVec
}

// Buckets for request, step and transaction latencies: 1 ms to 10 s.
var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rightsline_http_requests_total",
		Help: "HTTP requests answered, by route pattern, method and status code.",
	}, []string{"route", "method", "status"})
	m.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "rightsline_http_request_duration_seconds", Buckets: latencyBuckets,
		Help: "Time to answer an HTTP request, by route pattern and method.",
	}, []string{"route", "method"})
	m.messages = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rightsline_messages_total",
		Help: "Messages committed to the store, by channel and direction (in: from a person; out: a reply).",
	}, []string{"channel", "direction"})
	m.engineStep = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "rightsline_engine_step_duration_seconds", Buckets: latencyBuckets,
		Help: "Time the conversation runtime takes for one inbound message, transaction included.",
	})
	m.txDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "rightsline_db_transaction_duration_seconds", Buckets: latencyBuckets,
		Help: "Time of one database transaction attempt, BEGIN to COMMIT, by outcome (commit, error).",
	}, []string{"outcome"})
	m.outboxSends = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rightsline_outbox_sends_total",
		Help: "Outbox send attempts, by channel and outcome (sent, failed).",
	}, []string{"channel", "outcome"})
	m.outboxFails = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rightsline_outbox_send_failures_total",
		Help: "Failed outbox sends, by channel and provider error code (twilio_21610, discord_50007, http_503, timeout, network, other).",
	}, []string{"channel", "code"})
	m.reports = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rightsline_reports_filed_total",
		Help: "Intake reports filed, by commission (none: the default queue) and category.",
	}, []string{"commission", "category"})
	m.leader = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "rightsline_discord_gateway_leader",
		Help: "1 while this instance holds the Discord gateway, else 0.",
	})
	m.leaderGains = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "rightsline_discord_gateway_acquired_total",
		Help: "Times this instance became the Discord gateway holder.",
	})
	m.outboxDown = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "rightsline_outbox_dispatch_failing",
		Help: "1 while the outbox dispatcher cannot work (the database is unreachable), else 0.",
	})
	m.outboxOutage = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "rightsline_outbox_dispatch_outages_total",
		Help: "Times the outbox dispatcher started failing.",
	})
	m.outboxDoubt = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rightsline_outbox_in_doubt_total",
		Help: "Outbox rows whose last attempt may have reached the provider, by channel and how they were settled (found: the provider had it, not sent again; resent; unchecked: the channel cannot look up).",
	}, []string{"channel", "outcome"})
	m.media = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rightsline_media_total",
		Help: "Photos and documents handled by the media worker, by channel and outcome (stored, retry, refused.type, refused.size, refused.broken, refused.fetch).",
	}, []string{"channel", "outcome"})
	m.spooled = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "rightsline_spool_messages_total",
		Help: "Inbound webhooks the database could not take, by channel and stage (spooled: written to the local spool and answered 200; replayed: committed later; failed: could not be spooled, answered 500).",
	}, []string{"channel", "stage"})
	m.spoolPending = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "rightsline_spool_pending",
		Help: "Inbound messages waiting in this instance's local spool for the database.",
	})
	m.reg.MustRegister(m.httpRequests, m.httpDuration, m.messages, m.engineStep, m.txDuration,
		m.outboxSends, m.outboxFails, m.reports, m.leader, m.leaderGains,
		m.outboxDown, m.outboxOutage, m.outboxDoubt, m.spooled, m.spoolPending, m.media,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	bi := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "rightsline_build_info", Help: "Always 1; the labels say which build runs.",
		ConstLabels: prometheus.Labels{"version": buildVersion(), "goversion": runtime.Version()},
	})
	bi.Set(1)
	m.reg.MustRegister(bi)
	return m
}

// watchStore adds the store's figures: its connection pool (go_sql_*
// metrics) and the outbox backlog read at each scrape; and makes the
// store report transactions, messages and reports.
func (m *metrics) watchStore(st *store.Store, log *slog.Logger) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(st.DB(), st.Dialect().String()))
	m.reg.MustRegister(&backlogCollector{store: st, log: log, now: time.Now})
	st.SetObserver(storeObserver{m})
}

// handler serves GET /metrics.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// handled observes one message through the runtime.
func (m *metrics) handled(_ string, took time.Duration, _ error) {
	m.engineStep.Observe(took.Seconds())
}

// storeObserver turns the store's reports into metrics.
type storeObserver struct{ m *metrics }

func (o storeObserver) Transaction(d time.Duration, err error) {
	outcome := "commit"
	if err != nil {
		outcome = "error"
	}
	o.m.txDuration.WithLabelValues(outcome).Observe(d.Seconds())
}

func (o storeObserver) MessageStored(channel, direction string) {
	o.m.messages.WithLabelValues(label(channel), label(direction)).Inc()
}

func (o storeObserver) ReportFiled(commission, category string) {
	if commission == "" {
		commission = "none"
	}
	o.m.reports.WithLabelValues(label(commission), label(category)).Inc()
}

var (
	backlogDesc = prometheus.NewDesc("rightsline_outbox_backlog",
		"Outbox messages waiting to be sent or being sent, by channel.", []string{"channel"}, nil)
	oldestDesc = prometheus.NewDesc("rightsline_outbox_oldest_age_seconds",
		"Age of the oldest outbox message not yet sent, by channel (0 when none wait).", []string{"channel"}, nil)
	backlogUpDesc = prometheus.NewDesc("rightsline_outbox_backlog_up",
		"1 if the last scrape could read the outbox backlog from the database, else 0.", nil, nil)
)

// backlogCollector reads the outbox backlog from the store at each scrape,
// so every instance reports the same, shared, figure.
type backlogCollector struct {
	store *store.Store
	log   *slog.Logger
	now   func() time.Time
	// failing limits the warning to one per run of failed scrapes.
	failing atomic.Bool
}

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- backlogDesc
	ch <- oldestDesc
	ch <- backlogUpDesc
}

func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	figs, err := c.store.OutboxBacklog(ctx)
	if err != nil {
		if !c.failing.Swap(true) {
			c.log.Warn("metrics: cannot read the outbox backlog", "err", err)
		}
		ch <- prometheus.MustNewConstMetric(backlogUpDesc, prometheus.GaugeValue, 0)
		return
	}
	c.failing.Store(false)
	ch <- prometheus.MustNewConstMetric(backlogUpDesc, prometheus.GaugeValue, 1)
	seen := map[string]bool{}
	for _, f := range figs {
		name := label(f.Channel)
		seen[name] = true
		ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, float64(f.Rows), name)
		ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, max(0, c.now().Sub(f.Oldest).Seconds()), name)
	}
	// Channels with nothing waiting still show 0, so alerts and graphs
	// need no absent() tricks.
	for _, name := range []string{"sms", "discord", "web", "terminal"} {
		if !seen[name] {
			ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, 0, name)
			ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, 0, name)
		}
	}
}

// countingSender counts an outbox Sender's outcomes.
type countingSender struct {
	channel string
	next    outbox.Sender
	m       *metrics
}

func (s countingSender) Send(ctx context.Context, msg store.Outbound) (string, error) {
	id, err := s.next.Send(ctx, msg)
	ch := label(s.channel)
	if err != nil {
		s.m.outboxSends.WithLabelValues(ch, "failed").Inc()
		s.m.outboxFails.WithLabelValues(ch, providerCode(err)).Inc()
	} else {
		s.m.outboxSends.WithLabelValues(ch, "sent").Inc()
	}
	return id, err
}

// lookingSender is a countingSender whose Sender can look up sent
// messages (outbox.Looker); plain countingSenders do not offer Lookup, so
// the dispatcher resends their in-doubt rows.
type lookingSender struct {
	countingSender
	looker outbox.Looker
}

// Lookup forwards to the Sender's lookup.
func (s lookingSender) Lookup(ctx context.Context, msg store.Outbound, since time.Time, taken map[string]bool) (string, error) {
	return s.looker.Lookup(ctx, msg, since, taken)
}

// providerCode names a send error by the provider's error code where it
// has one (Twilio's and Discord's are documented, bounded numbers), else
// by its kind. Never by its text, which may quote an address.
func providerCode(err error) string {
	var pc interface{ ProviderCode() string }
	if errors.As(err, &pc) {
		return label(pc.ProviderCode())
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) {
		if re.Message != nil && re.Message.Code != 0 {
			return "discord_" + strconv.Itoa(re.Message.Code)
		}
		if re.Response != nil {
			return "http_" + strconv.Itoa(re.Response.StatusCode)
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, outbox.ErrOptedOut):
		return "opted_out"
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) {
		if ne.Timeout() {
			return "timeout"
		}
		return "network"
	}
	return "other"
}

// label keeps a label value to a short slug: lower-case letters, digits,
// '_', '-' and '.', at most 40 of them. Anything else (a value that could
// carry personal data by mistake) becomes "other". The sets this service
// labels with are all slugs, so in practice nothing is lost.
func label(v string) string {
	if v == "" || len(v) > 40 {
		return "other"
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return "other"
		}
	}
	// A run of digits long enough to be a phone number or a Discord id
	// is not a slug.
	digits := 0
	for i := 0; i < len(v); i++ {
		if v[i] >= '0' && v[i] <= '9' {
			digits++
			if digits >= 7 {
				return "other"
			}
		} else {
			digits = 0
		}
	}
	return v
}
