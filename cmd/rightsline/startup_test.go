package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot/sms"
	"github.com/rightsline/rightsline/bot/twilio/twiliotest"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestWebhookRightAfterHealthz: /healthz says ok only when the service can
// take a message. serve starts on an existing database, /healthz is asked
// until it answers 200, and at once a signed SMS of free text (which the
// matcher must read, with models built after the listener is up and
// statements prepared at first use) is answered, stored, and answered the
// same as the same text from another number once the service has warmed
// up; both backends.
func TestWebhookRightAfterHealthz(t *testing.T) {
	if testing.Short() {
		t.Skip("starts serve twice")
	}
	for _, backend := range []string{storetest.SQLite, storetest.Postgres} {
		t.Run(backend, func(t *testing.T) {
			if backend == storetest.Postgres {
				storetest.PostgresURL(t)
			}
			const (
				account = "AC0123456789abcdef0123456789abcdef"
				token   = "startup-token"
				public  = "https://rightsline.example.org"
			)
			dbURL, keys := storetest.URL(t, backend), faultKeys(t)
			env := map[string]string{
				"DATABASE_URL": dbURL, "DATA_KEYS": keys, "TWILIO_ACCOUNT_SID": account, "TWILIO_AUTH_TOKEN": token,
				"TWILIO_FROM": "+12025550100", "PUBLIC_BASE_URL": public, "SPOOL_DIR": t.TempDir(),
				"DISCORD_BOT_TOKEN": "", "DISCORD_APP_ID": "", "DISCORD_PUBLIC_KEY": "",
			}
			// The first start creates and migrates the database.
			_, stop := startServe(t, env)
			if err := stop(); err != nil {
				t.Fatal(err)
			}

			base, stop := startServe(t, env)
			deadline := time.Now().Add(30 * time.Second)
			for {
				resp, err := http.Get(base + "/healthz")
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						break
					}
				}
				if time.Now().After(deadline) {
					t.Fatal("no /healthz within 30 s")
				}
				time.Sleep(time.Millisecond)
			}
			const text = "my landlord changed the locks and put my things outside"
			send := func(n int) []string {
				sid := fmt.Sprintf("SM%032d", n)
				form := url.Values{"MessageSid": {sid}, "SmsMessageSid": {sid}, "AccountSid": {account},
					"From": {fmt.Sprintf("+1202555%04d", n)}, "To": {"+12025550100"}, "Body": {text}, "NumMedia": {"0"}}
				req, err := http.NewRequest(http.MethodPost, base+"/twilio/sms", strings.NewReader(form.Encode()))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Twilio-Signature", sms.Sign(token, public+"/twilio/sms", form))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("webhook %d: status %d: %s", n, resp.StatusCode, b)
				}
				return twiliotest.TwiMLMessages(t, string(b), public+"/twilio/status")
			}
			first := send(1)
			// The service warms up: the free-text models are built and the
			// statements the first message used are prepared.
			time.Sleep(2 * time.Second)
			later := send(2)
			if strings.Join(first, "\n") != strings.Join(later, "\n") {
				t.Fatalf("the message right after /healthz got\n%q\nand the same message later\n%q", first, later)
			}
			cat, err := locales.Load()
			if err != nil {
				t.Fatal(err)
			}
			want, err := cat.Text("en", "housing.eviction", nil)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(first, "\n"), want) {
				t.Fatalf("the message right after /healthz got %q; want the eviction answer %q", first, want)
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			st := openWithKeys(t, dbURL, keys)
			for n := 1; n <= 2; n++ {
				if got := twiliotest.InboundCount(t, st, "sms", fmt.Sprintf("+1202555%04d", n)); got != 1 {
					t.Errorf("resident %d: %d inbound messages stored, want 1", n, got)
				}
			}
		})
	}
}
