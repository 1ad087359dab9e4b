package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Start-up mode (-startup N): loadgen starts the server command N times
// on an existing database and measures, from the exec, the time to the
// first 200 on /healthz and to the first answered message (free text the
// matcher has to read, whose models are built in the background after
// /healthz answers: a signed SMS from a new number when -auth-token is
// given, else a POST to the /try simulator, which allows few a minute). In the same rounds it starts
// a bare baseline (loadgen itself serving /healthz on the same address:
// the cost of starting any Go HTTP server on this machine) and, with
// -compare-cmd, a second server command (an older build), interleaved, so
// a busy machine weighs on all of them alike:
//
//	loadgen -startup 15 -url http://127.0.0.1:8090 -auth-token "$TWILIO_AUTH_TOKEN" \
//	  -account-sid "$TWILIO_ACCOUNT_SID" -public-base-url "$PUBLIC_BASE_URL" \
//	  -server-cmd "/tmp/rightsline serve" -compare-cmd "/tmp/rightsline-old serve"
//
// The commands get loadgen's environment (DATABASE_URL, LISTEN_ADDR
// matching -url) with DRAIN_TIMEOUT=0 unless it is set. The database must
// exist (start the server once before).

// bareFlag makes loadgen the bare baseline of -startup: it serves
// /healthz on the address given until SIGTERM.
const bareFlag = "-bare-healthz"

func runBare(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	return http.Serve(ln, mux)
}

// startupTimes are one command's rounds.
type startupTimes struct {
	name          string
	cmd           []string
	health, first []float64 // ms
	cpu           []float64 // ms of CPU the process had used at /healthz
}

// firstMessage is the text of the first answered message: free text that
// the matcher reads (not a greeting or a keyword).
const firstMessage = "my landlord changed the locks and put my things outside"

func runStartup(ctx context.Context, o *options, stdout io.Writer) error {
	u, err := url.Parse(o.url)
	if err != nil {
		return err
	}
	if o.serverCmd == "" {
		return errors.New("-startup needs -server-cmd (the server command, e.g. \"./rightsline serve\")")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	targets := []*startupTimes{{name: "bare", cmd: []string{self, bareFlag, u.Host}}}
	targets = append(targets, &startupTimes{name: "server", cmd: strings.Fields(o.serverCmd)})
	if o.compareCmd != "" {
		targets = append(targets, &startupTimes{name: "compare", cmd: strings.Fields(o.compareCmd)})
	}
	base := strings.TrimRight(o.url, "/")
	fmt.Fprintf(stdout, "loadgen: start-up, %d rounds, interleaved: %s\n", o.startup, names(targets))
	for round := range o.startup {
		for _, t := range targets {
			h, f, cpu, err := startOnce(ctx, o, t.cmd, base, t.name != "bare")
			if err != nil {
				return fmt.Errorf("%s, round %d: %w", t.name, round+1, err)
			}
			t.health = append(t.health, millis(h))
			if cpu >= 0 {
				t.cpu = append(t.cpu, millis(cpu))
			}
			if t.name != "bare" {
				t.first = append(t.first, millis(f))
			}
		}
	}
	bare := median(targets[0].health)
	for _, t := range targets {
		fmt.Fprintf(stdout, "%-8s %s\n", t.name, strings.Join(t.cmd, " "))
		fmt.Fprintf(stdout, "  to /healthz, min/median/max: %s ms (%.2fx bare)\n", spread(t.health, "%.1f"), median(t.health)/bare)
		if len(t.cpu) > 0 {
			fmt.Fprintf(stdout, "  CPU used by then, min/median/max: %s ms (/proc, 10 ms ticks)\n", spread(t.cpu, "%.0f"))
		}
		if len(t.first) > 0 {
			fmt.Fprintf(stdout, "  to the first answered message, min/median/max: %s ms\n", spread(t.first, "%.1f"))
		}
	}
	if len(targets) == 3 {
		fmt.Fprintf(stdout, "ratio server/compare, medians: /healthz %.2f, first message %.2f, CPU to /healthz %.2f\n",
			median(targets[1].health)/median(targets[2].health), median(targets[1].first)/median(targets[2].first),
			median(targets[1].cpu)/median(targets[2].cpu))
	}
	return nil
}

func names(ts []*startupTimes) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.name)
	}
	return strings.Join(s, ", ")
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// startOnce runs cmd, times /healthz (and, when message, the first
// answer), then stops it with SIGTERM and waits for it. cpu is what the
// process had used when /healthz answered (-1 where /proc cannot say).
func startOnce(ctx context.Context, o *options, cmd []string, base string, message bool) (health, first, cpu time.Duration, err error) {
	c := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
	c.Env = os.Environ()
	if os.Getenv("DRAIN_TIMEOUT") == "" {
		c.Env = append(c.Env, "DRAIN_TIMEOUT=0")
	}
	c.Stdout, c.Stderr = io.Discard, io.Discard
	client := &http.Client{Timeout: 2 * time.Second}
	start := time.Now()
	if err := c.Start(); err != nil {
		return 0, 0, 0, err
	}
	exited := make(chan error, 1)
	go func() { exited <- c.Wait() }()
	defer func() {
		c.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			c.Process.Kill()
			<-exited
		}
	}()
	deadline := start.Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			return 0, 0, 0, fmt.Errorf("exited before answering /healthz: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			return 0, 0, 0, errors.New("no /healthz within 30 s")
		}
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				health = time.Since(start)
				cpu = -1
				if d, err := processCPU(c.Process.Pid); err == nil {
					cpu = d
				}
				break
			}
		}
		time.Sleep(time.Millisecond)
	}
	if !message {
		return health, 0, cpu, nil
	}
	if o.authToken != "" {
		// A signed SMS from a number of its own (the per-phone limit).
		from := fmt.Sprintf("+1202%07d", mrand.IntN(10000000))
		if kind := send(ctx, client, base+"/twilio/sms", o.signedURL(), *o, from, firstMessage); kind != "" {
			return 0, 0, 0, fmt.Errorf("first message (signed SMS): %s (are TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL the server's?)", kind)
		}
		return health, time.Since(start), cpu, nil
	}
	req, err := http.NewRequest("POST", base+"/try/messages", strings.NewReader(`{"text":"`+firstMessage+`"}`))
	if err != nil {
		return 0, 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("first message: %w", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, 0, 0, fmt.Errorf("first message: status %d: %.200s (is the /try simulator on? SIMULATOR_ENABLED; or give -auth-token to send a signed SMS)", resp.StatusCode, body)
	}
	return health, time.Since(start), cpu, nil
}
