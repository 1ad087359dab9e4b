// Command loadgen drives a running Rightsline server the way Twilio would:
// N phones, each having whole conversations (greeting, menus, answers,
// MORE, BACK, HELP), every webhook correctly signed. It prints throughput,
// p50/p95/p99 latency and errors. In the same run it starts a bare
// baseline on loopback (a minimal net/http handler that checks the same
// signature and makes the same number of database writes per request, in
// one transaction, against the same database) and drives it with the same
// load, alternating the two in rounds, then prints the ratio of the two.
//
// It only talks to loopback and is bounded in phones, rate and duration.
//
//	loadgen -url http://127.0.0.1:8080 -auth-token "$TWILIO_AUTH_TOKEN" \
//	  -account-sid "$TWILIO_ACCOUNT_SID" -public-base-url "$PUBLIC_BASE_URL" \
//	  -database-url "$DATABASE_URL" -phones 2000 -rate 500 -duration 20s \
//	  -server-pid "$(pgrep -n rightsline)"
//
// -rate 0 sends as fast as -concurrency workers can (maximum throughput).
// Each round's ratio is printed as min/median/max over the rounds, so one
// round disturbed by the rest of the machine shows as an outlier rather
// than moving the figure. With -server-pid (Linux) it also prints the
// server's CPU per request and its peak memory (RSS), read from /proc.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"
)

// Bounds: a load tool must not become a flood by a typo.
const (
	maxPhones      = 20000
	maxRate        = 5000
	maxDuration    = 10 * time.Minute
	maxConcurrency = 4000
)

type options struct {
	url           string
	publicBaseURL string
	authToken     string
	accountSid    string
	databaseURL   string
	phones        int
	rate          int
	concurrency   int
	duration      time.Duration
	warmup        time.Duration
	writes        int
	skipBaseline  bool
	rounds        int
	serverPID     int
	startup       int
	serverCmd     string
	compareCmd    string
	compareURL    string
	comparePID    int
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 2 && args[0] == bareFlag {
		return runBare(args[1])
	}
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8080", "base URL of the running server (loopback only)")
	fs.StringVar(&o.publicBaseURL, "public-base-url", os.Getenv("PUBLIC_BASE_URL"), "the server's PUBLIC_BASE_URL, which signatures cover (default: -url)")
	fs.StringVar(&o.authToken, "auth-token", os.Getenv("TWILIO_AUTH_TOKEN"), "the server's TWILIO_AUTH_TOKEN, to sign webhooks")
	fs.StringVar(&o.accountSid, "account-sid", os.Getenv("TWILIO_ACCOUNT_SID"), "the server's TWILIO_ACCOUNT_SID")
	fs.StringVar(&o.databaseURL, "database-url", os.Getenv("DATABASE_URL"), "the server's DATABASE_URL, for the baseline")
	fs.IntVar(&o.phones, "phones", 2000, fmt.Sprintf("simulated phones (at most %d)", maxPhones))
	fs.IntVar(&o.rate, "rate", 500, fmt.Sprintf("requests per second in all (at most %d); 0 = as fast as possible", maxRate))
	fs.IntVar(&o.concurrency, "concurrency", 0, "requests in flight at most (default: 1000 with -rate, 32 without)")
	fs.DurationVar(&o.duration, "duration", 20*time.Second, fmt.Sprintf("how long to measure each target, in all rounds (at most %s)", maxDuration))
	fs.DurationVar(&o.warmup, "warmup", 3*time.Second, "load before measuring, not counted")
	fs.IntVar(&o.writes, "baseline-writes", 3, "database writes per baseline request (the runtime makes 2 + one per reply)")
	fs.BoolVar(&o.skipBaseline, "skip-baseline", false, "drive only the server")
	fs.IntVar(&o.serverPID, "server-pid", 0, "the server's process id, to report its CPU per request and peak RSS (Linux /proc)")
	fs.IntVar(&o.rounds, "rounds", 5, "alternate server and baseline this many times, -duration/rounds each, so a busy machine weighs on both alike")
	fs.IntVar(&o.startup, "startup", 0, "measure start-up instead: start -server-cmd this many times (at most 100), interleaved with a bare Go server and -compare-cmd; time to /healthz and to the first answered message")
	fs.StringVar(&o.serverCmd, "server-cmd", "", "with -startup: the server command (\"./rightsline serve\"), listening at -url")
	fs.StringVar(&o.compareCmd, "compare-cmd", "", "with -startup: a second server command to compare (an older build)")
	fs.StringVar(&o.compareURL, "compare-url", "", "a second running server (an older build, its PUBLIC_BASE_URL the same URL) driven in the same rounds, interleaved, and compared")
	fs.IntVar(&o.comparePID, "compare-pid", 0, "the -compare-url server's process id, for its CPU per request and peak RSS")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.startup != 0 {
		if o.startup < 1 || o.startup > 100 {
			return errors.New("-startup must be 1…100")
		}
		if err := loopbackOnly(o.url); err != nil {
			return err
		}
		if o.publicBaseURL == "" {
			o.publicBaseURL = o.url
		}
		return runStartup(ctx, &o, stdout)
	}
	if err := o.check(); err != nil {
		return err
	}
	target := strings.TrimRight(o.url, "/") + "/twilio/sms"
	fmt.Fprintf(stdout, "loadgen: %d phones, rate %s, concurrency %d, %s warm-up + %s per target\n",
		o.phones, rateText(o.rate), o.concurrency, o.warmup, o.duration)
	if per := float64(o.rate) * 60 / float64(o.phones); o.rate > 0 && per > 20 {
		fmt.Fprintf(stdout, "note: each phone sends %.0f messages a minute; the server answers over SMS_RATE_LIMIT_PER_MINUTE (default 20) with its cheap rate-limit path: raise -phones or that setting\n", per)
	}

	if o.skipBaseline {
		cpu0, _ := o.serverCPU()
		app, err := drive(ctx, o, newPhones(o.phones, 1), o.duration, o.warmup, target, o.signedURL())
		if err != nil {
			return err
		}
		cpu1, _ := o.serverCPU()
		app.print(stdout, "rightsline")
		o.printServer(stdout, []time.Duration{perRequest(cpu1-cpu0, app)})
		return nil
	}
	if o.databaseURL == "" {
		return errors.New("-database-url (or DATABASE_URL) is needed for the baseline; or pass -skip-baseline")
	}
	bl, err := startBaseline(ctx, o)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	defer bl.close()
	app, base, cmp := newResult(), newResult(), newResult()
	appPhones, basePhones, cmpPhones := newPhones(o.phones, 1), newPhones(o.phones, 2), newPhones(o.phones, 3)
	cmpTarget := strings.TrimRight(o.compareURL, "/") + "/twilio/sms"
	slice := o.duration / time.Duration(o.rounds)
	var tput, p99, cmpTput, vsCmp []float64
	var serverPer, cmpPer []time.Duration
	var selfApp, selfBase time.Duration // loadgen's own CPU in each kind of round
	for round := range o.rounds {
		warm := time.Duration(0)
		if round == 0 {
			warm = o.warmup
		}
		// The other server, when there is one, goes before this one in
		// every other round, so neither always follows the baseline.
		var rc *result
		driveCompare := func() error {
			if o.compareURL == "" {
				return nil
			}
			c0, _ := processCPU(o.comparePID)
			var err error
			if rc, err = drive(ctx, o, cmpPhones, slice, warm, cmpTarget, cmpTarget); err != nil {
				return err
			}
			c1, _ := processCPU(o.comparePID)
			cmp.merge(rc)
			cmpPer = append(cmpPer, perRequest(c1-c0, rc))
			return nil
		}
		if round%2 == 1 {
			if err := driveCompare(); err != nil {
				return err
			}
		}
		cpu0, _ := o.serverCPU()
		self0 := selfCPU()
		ra, err := drive(ctx, o, appPhones, slice, warm, target, o.signedURL())
		if err != nil {
			return err
		}
		self1 := selfCPU()
		cpu1, _ := o.serverCPU()
		app.merge(ra)
		if round%2 == 0 {
			if err := driveCompare(); err != nil {
				return err
			}
		}
		rb, err := drive(ctx, o, basePhones, slice, warm, bl.url+"/twilio/sms", bl.url+"/twilio/sms")
		if err != nil {
			return err
		}
		self2 := selfCPU()
		base.merge(rb)
		// Warm-up requests are not in ra/rb; their CPU is, in the first
		// round only, which the median shrugs off. (With -compare-url,
		// the estimate below counts the compared rounds' as the
		// baseline's: use it without.)
		selfApp += self1 - self0
		selfBase += self2 - self1
		serverPer = append(serverPer, perRequest(cpu1-cpu0, ra))
		tput = append(tput, ra.throughput()/rb.throughput())
		p99 = append(p99, ratio(ra.pct(99), rb.pct(99)))
		if rc != nil {
			cmpTput = append(cmpTput, rc.throughput()/rb.throughput())
			vsCmp = append(vsCmp, ra.throughput()/rc.throughput())
		}
	}
	app.print(stdout, "rightsline")
	base.print(stdout, fmt.Sprintf("baseline (%d writes)", o.writes))
	fmt.Fprintf(stdout, "ratio rightsline/baseline: throughput %.2f, p50 %.2fx, p99 %.2fx\n",
		app.throughput()/base.throughput(), ratio(app.pct(50), base.pct(50)), ratio(app.pct(99), base.pct(99)))
	fmt.Fprintf(stdout, "per round (%d), min/median/max: throughput ratio %s, p99 ratio %s\n",
		o.rounds, spread(tput, "%.2f"), spread(p99, "%.2fx"))
	o.printServer(stdout, serverPer)
	if o.compareURL != "" {
		cmp.print(stdout, "compared ("+o.compareURL+")")
		fmt.Fprintf(stdout, "per round, min/median/max: compared/baseline throughput ratio %s; rightsline/compared %s\n",
			spread(cmpTput, "%.2f"), spread(vsCmp, "%.2f"))
		c := o
		c.serverPID = o.comparePID
		fmt.Fprint(stdout, "compared: ")
		c.printServer(stdout, cmpPer)
	}
	// The baseline runs in this process, next to the load it is driven
	// with; the driver's own cost is what this process spends per request
	// on the server's rounds, so the difference estimates the baseline's.
	if n, m := len(base.latencies), len(app.latencies); n > 0 && m > 0 {
		est := selfBase/time.Duration(n) - selfApp/time.Duration(m)
		fmt.Fprintf(stdout, "baseline CPU per request (estimate: loadgen's CPU on baseline rounds minus on server rounds): %s\n", msDur(est))
	}
	return nil
}

// serverCPU is the server's CPU time so far, when -server-pid is given.
func (o *options) serverCPU() (time.Duration, error) {
	if o.serverPID == 0 {
		return 0, errors.New("no -server-pid")
	}
	return processCPU(o.serverPID)
}

// printServer prints the server's CPU per request (min/median/max over
// rounds) and its peak RSS, when -server-pid is given.
func (o *options) printServer(w io.Writer, perRound []time.Duration) {
	if o.serverPID == 0 {
		return
	}
	if _, err := processCPU(o.serverPID); err != nil {
		fmt.Fprintf(w, "server process %d: %v\n", o.serverPID, err)
		return
	}
	v := make([]float64, len(perRound))
	for i, d := range perRound {
		v[i] = float64(d) / float64(time.Millisecond)
	}
	line := fmt.Sprintf("server CPU per request, min/median/max: %s ms (/proc, 10 ms ticks)", spread(v, "%.3f"))
	if rss, err := peakRSS(o.serverPID); err == nil {
		line += fmt.Sprintf("; peak RSS %.1f MB", float64(rss)/(1<<20))
	}
	fmt.Fprintln(w, line)
}

// perRequest divides cpu over r's successful requests.
func perRequest(cpu time.Duration, r *result) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return cpu / time.Duration(len(r.latencies))
}

// spread formats the minimum, median and maximum of v.
func spread(v []float64, format string) string {
	if len(v) == 0 {
		return "-"
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return fmt.Sprintf(format+"/"+format+"/"+format, s[0], median(s), s[len(s)-1])
}

// median is the median of v (0 for none).
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

func msDur(d time.Duration) string {
	return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond))
}

func (o *options) check() error {
	if o.authToken == "" {
		return errors.New("-auth-token (or TWILIO_AUTH_TOKEN) is required: unsigned requests are refused")
	}
	if o.accountSid == "" {
		return errors.New("-account-sid (or TWILIO_ACCOUNT_SID) is required")
	}
	if o.phones < 1 || o.phones > maxPhones {
		return fmt.Errorf("-phones must be 1…%d", maxPhones)
	}
	if o.rate < 0 || o.rate > maxRate {
		return fmt.Errorf("-rate must be 0…%d", maxRate)
	}
	if o.duration <= 0 || o.duration > maxDuration || o.warmup < 0 || o.warmup > maxDuration {
		return fmt.Errorf("-duration must be positive and -warmup not negative, both at most %s", maxDuration)
	}
	if o.rounds < 1 || o.rounds > 20 {
		return errors.New("-rounds must be 1…20")
	}
	if o.writes < 1 || o.writes > 20 {
		return errors.New("-baseline-writes must be 1…20")
	}
	if o.concurrency == 0 {
		o.concurrency = 32
		if o.rate > 0 {
			o.concurrency = min(1000, o.phones)
		}
	}
	if o.concurrency < 1 || o.concurrency > maxConcurrency {
		return fmt.Errorf("-concurrency must be 1…%d", maxConcurrency)
	}
	if o.concurrency > o.phones {
		o.concurrency = o.phones // a phone waits for its reply
	}
	if err := loopbackOnly(o.url); err != nil {
		return err
	}
	if o.compareURL != "" {
		if err := loopbackOnly(o.compareURL); err != nil {
			return err
		}
		if o.skipBaseline {
			return errors.New("-compare-url needs the baseline")
		}
	}
	if o.publicBaseURL == "" {
		o.publicBaseURL = o.url
	}
	return nil
}

// loopbackOnly refuses a target that is not this machine.
func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-url %q is not an http(s) URL", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-url must be a loopback address (127.0.0.1, ::1 or localhost), not %q", host)
	}
	return nil
}

// signedURL is the webhook URL as the server signs it.
func (o *options) signedURL() string {
	return strings.TrimRight(o.publicBaseURL, "/") + "/twilio/sms"
}

func rateText(r int) string {
	if r == 0 {
		return "unlimited"
	}
	return fmt.Sprintf("%d/s", r)
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
