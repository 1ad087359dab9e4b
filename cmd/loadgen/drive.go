package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rightsline/rightsline/bot/sms"
)

// conversations are whole exchanges a resident might have, in several
// languages: a first message, menu choices, answers, MORE and SOURCE,
// BACK, HELP, a report started and abandoned. Each phone walks one, then
// the next, round and round.
var conversations = [][]string{
	{"hello", "1", "1", "MORE", "BACK", "2", "MENU", "3", "1", "SOURCE", "MENU"},
	{"hola, necesito ayuda", "1", "2", "BACK", "MENU", "2", "1", "MORE", "MENU"},
	{"我需要帮助", "3", "1", "MENU", "1", "3", "MENU"},
	{"xin chào", "2", "2", "MORE", "BACK", "MENU"},
	{"help", "MENU", "4", "MENU", "5", "1", "MENU", "1", "1"},
	{"bonjour", "1", "1", "SOURCE", "MENU", "3", "2", "MENU"},
}

// phone is one simulated resident.
type phone struct {
	number string
	conv   int
	step   int
}

func (p *phone) next() string {
	c := conversations[p.conv%len(conversations)]
	msg := c[p.step]
	p.step++
	if p.step == len(c) {
		p.step = 0
		p.conv++
	}
	return msg
}

// newPhones makes n phones with fictional numbers, fresh for each run and
// target so every run starts new conversations: +1, the target's digit,
// the run, the index. Each starts at a different conversation.
func newPhones(n, targetDigit int) []*phone {
	run := mathrand.IntN(10000)
	out := make([]*phone, n)
	for i := range out {
		out[i] = &phone{number: fmt.Sprintf("+1%d%04d%05d", targetDigit, run, i), conv: i}
	}
	return out
}

// result collects one target's measurements.
type result struct {
	mu        sync.Mutex
	latencies []time.Duration
	errors    map[string]int
	elapsed   time.Duration
	late      int // requests whose scheduled time had passed before a worker was free
}

func newResult() *result { return &result{errors: map[string]int{}} }

// merge adds another slice of measurements of the same target.
func (r *result) merge(o *result) {
	r.latencies = append(r.latencies, o.latencies...)
	slices.Sort(r.latencies)
	for k, n := range o.errors {
		r.errors[k] += n
	}
	r.elapsed += o.elapsed
	r.late += o.late
}

func (r *result) add(d time.Duration, errKind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if errKind != "" {
		r.errors[errKind]++
		return
	}
	r.latencies = append(r.latencies, d)
}

func (r *result) throughput() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(len(r.latencies)) / r.elapsed.Seconds()
}

func (r *result) pct(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.latencies))*p/100+0.5) - 1
	return r.latencies[max(0, min(i, len(r.latencies)-1))]
}

func (r *result) print(w io.Writer, name string) {
	nerr := 0
	var kinds []string
	for k, n := range r.errors {
		nerr += n
		kinds = append(kinds, fmt.Sprintf("%s×%d", k, n))
	}
	sort.Strings(kinds)
	fmt.Fprintf(w, "%-24s %7d ok in %5.1fs = %7.1f req/s   p50 %7s  p95 %7s  p99 %7s  max %7s   errors %d %s\n",
		name+":", len(r.latencies), r.elapsed.Seconds(), r.throughput(),
		ms(r.pct(50)), ms(r.pct(95)), ms(r.pct(99)), ms(r.pct(100)), nerr, strings.Join(kinds, " "))
	if r.late > 0 {
		fmt.Fprintf(w, "%-24s %d requests started late (all workers busy): latency counts from when each was due\n", "", r.late)
	}
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}

// drive runs the load against target (signing for signedURL), a warm-up
// first, and returns the measured part.
func drive(ctx context.Context, o options, phones []*phone, duration, warmup time.Duration, target, signedURL string) (*result, error) {
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        o.concurrency,
			MaxIdleConnsPerHost: o.concurrency,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		},
	}
	defer client.CloseIdleConnections()

	idle := make(chan *phone, len(phones))
	for _, p := range phones {
		idle <- p
	}

	var measuring struct {
		sync.Mutex
		on bool
		r  *result
	}
	res := newResult()
	measuring.r = res

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct{ due time.Time }
	jobs := make(chan job, o.concurrency)

	var wg sync.WaitGroup
	for range o.concurrency {
		wg.Go(func() {
			for j := range jobs {
				p := <-idle
				body := p.next()
				start := j.due
				if start.IsZero() {
					start = time.Now()
				}
				errKind := send(ctx, client, target, signedURL, o, p.number, body)
				d := time.Since(start)
				idle <- p
				measuring.Lock()
				on := measuring.on
				measuring.Unlock()
				if on {
					res.add(d, errKind)
				}
			}
		})
	}

	begin := time.Now()
	measureAt := begin.Add(warmup)
	end := measureAt.Add(duration)
	var late int
	func() {
		defer close(jobs)
		for i := 0; ; i++ {
			now := time.Now()
			if now.After(measureAt) {
				measuring.Lock()
				if !measuring.on {
					measuring.on = true
				}
				measuring.Unlock()
			}
			if now.After(end) || ctx.Err() != nil {
				return
			}
			var j job
			if o.rate > 0 {
				j.due = begin.Add(time.Duration(i) * time.Second / time.Duration(o.rate))
				if wait := time.Until(j.due); wait > 0 {
					time.Sleep(wait)
				}
			}
			select {
			case jobs <- j:
			default:
				if o.rate > 0 && time.Now().After(measureAt) {
					late++
				}
				select {
				case jobs <- j:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	wg.Wait()
	res.elapsed = time.Since(measureAt)
	res.late = late
	slices.Sort(res.latencies)
	return res, ctx.Err()
}

// send posts one signed inbound-SMS webhook and classifies the outcome.
func send(ctx context.Context, c *http.Client, target, signedURL string, o options, from, body string) string {
	sid := "SM" + randomHex(16)
	form := url.Values{
		"ToCountry": {"US"}, "ToState": {"DC"}, "SmsMessageSid": {sid}, "NumMedia": {"0"},
		"SmsSid": {sid}, "SmsStatus": {"received"}, "Body": {body}, "FromCountry": {"US"},
		"To": {"+12025550100"}, "NumSegments": {"1"}, "MessageSid": {sid},
		"AccountSid": {o.accountSid}, "From": {from}, "ApiVersion": {"2010-04-01"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return "request"
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sms.Sign(o.authToken, signedURL, form))
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "cancelled"
		}
		return "transport"
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case err != nil:
		return "read"
	case resp.StatusCode != http.StatusOK:
		return fmt.Sprintf("http%d", resp.StatusCode)
	case !strings.Contains(string(b), "<Response"):
		return "not-twiml"
	}
	return ""
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
