package whatsapp

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/twilio"
	"github.com/rightsline/rightsline/bot/twilio/twiliotest"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// Test account. The token is made up; signatures are computed with
// twilio.Sign, which bot/twilio holds to twilio-go's own validator.
const (
	testAccount = "AC0123456789abcdef0123456789abcdef"
	testToken   = "12345678901234567890123456789012"
	testBase    = "https://rightsline.example.org"
	testFrom    = "+12025550100" // our WhatsApp sender
)

func TestMain(m *testing.M) { twiliotest.RunOffline(m) }

var testCatalog = func() *locales.Catalog {
	cat, err := locales.Load()
	if err != nil {
		panic(err)
	}
	return cat
}()

// fixture is one store, runtime and handler, on a clock the test moves.
type fixture struct {
	t   testing.TB
	st  *store.Store
	h   *Handler
	mux *http.ServeMux
	cfg Config
	now time.Time
}

func newFixture(t testing.TB, st *store.Store, mod func(*Config)) *fixture {
	t.Helper()
	cfg := Config{AccountSID: testAccount, AuthToken: testToken, From: Prefix + testFrom, PublicBaseURL: testBase, RateLimitPerMinute: 1000}
	if mod != nil {
		mod(&cfg)
	}
	f := &fixture{t: t, st: st, mux: http.NewServeMux(), cfg: cfg, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	log := slog.New(slog.DiscardHandler)
	rt, err := bot.New(st, testCatalog, bot.Config{Log: log, Now: clock, Extensions: []bot.Extension{intake.Extension(st, intake.Config{Catalog: testCatalog})}})
	if err != nil {
		t.Fatal(err)
	}
	if f.h, err = New(cfg, rt, log); err != nil {
		t.Fatal(err)
	}
	st.SetClock(clock)
	f.h.Register(f.mux)
	return f
}

// post sends a raw form to path with the given signature header ("" for
// none) and returns the recorded response.
func (f *fixture) post(path string, form url.Values, sig string) *httptest.ResponseRecorder {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set("X-Twilio-Signature", sig)
	}
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, req)
	return rec
}

// signed posts form to path, signed with the auth token as Twilio does.
func (f *fixture) signed(path string, form url.Values) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.post(path, form, twilio.Sign(testToken, testBase+path, form))
}

var sidSeq atomic.Int64

// newSid returns a fresh, well-formed MessageSid.
func newSid() string { return fmt.Sprintf("SM%032x", sidSeq.Add(1)) }

// inbound is a raw Twilio WhatsApp inbound form, as Twilio posts it for a
// text message (every field it sends, ProfileName and WaId included).
func inbound(phone, body, sid string) url.Values {
	return url.Values{
		"SmsMessageSid": {sid}, "NumMedia": {"0"}, "ProfileName": {"Jae Kim"}, "MessageType": {"text"},
		"SmsSid": {sid}, "WaId": {strings.TrimPrefix(phone, "+")}, "SmsStatus": {"received"}, "Body": {body},
		"To": {Prefix + testFrom}, "NumSegments": {"1"}, "ReferralNumMedia": {"0"}, "MessageSid": {sid},
		"AccountSid": {testAccount}, "From": {Prefix + phone}, "ApiVersion": {"2010-04-01"},
	}
}

// statusCallback is a raw Twilio status callback for a WhatsApp message.
func statusCallback(sid, status, errorCode, phone string) url.Values {
	v := url.Values{
		"SmsSid": {sid}, "SmsStatus": {status}, "MessageStatus": {status}, "To": {Prefix + phone}, "ChannelPrefix": {"whatsapp"},
		"MessageSid": {sid}, "AccountSid": {testAccount}, "From": {Prefix + testFrom}, "ApiVersion": {"2010-04-01"},
	}
	if errorCode != "" {
		v.Set("ErrorCode", errorCode)
	}
	return v
}

// say posts body from phone, signed, and returns the reply messages.
func (f *fixture) say(phone, body string) []string {
	f.t.Helper()
	rec := f.signed(InboundPath, inbound(phone, body, newSid()))
	if rec.Code != 200 {
		f.t.Fatalf("%q: status %d: %s", body, rec.Code, rec.Body)
	}
	return twimlMessages(f.t, rec.Body.String())
}

// twimlMessages parses a TwiML response into its message bodies; every
// message's delivery status must be asked for at this channel's callback.
func twimlMessages(t testing.TB, body string) []string {
	t.Helper()
	return twiliotest.TwiMLMessages(t, body, testBase+StatusPath)
}

// text renders a catalog message for comparisons.
func text(t testing.TB, l locales.Lang, id string) string {
	t.Helper()
	s, err := testCatalog.Text(l, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// contact returns the WhatsApp contact at phone, or fails.
func (f *fixture) contact(phone string) store.Contact {
	f.t.Helper()
	c, err := f.st.ContactByAddress(f.t.Context(), Channel, phone)
	if err != nil {
		f.t.Fatalf("contact: %v", err)
	}
	return c
}

// inboundCount counts the stored inbound messages of phone (0 if the
// contact does not exist).
func (f *fixture) inboundCount(phone string) int {
	f.t.Helper()
	return twiliotest.InboundCount(f.t, f.st, Channel, phone)
}
