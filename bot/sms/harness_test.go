package sms

import (
	"fmt"
	"github.com/rightsline/rightsline/bot/twilio"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/bot/twilio/twiliotest"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// Test account. The token is made up; signatures are computed with Sign,
// which sign_test.go holds to twilio-go's own validator.
const (
	testAccount = "AC0123456789abcdef0123456789abcdef"
	testToken   = "12345678901234567890123456789012"
	testBase    = "https://rightsline.example.org"
	testFrom    = "+12025550100" // our number
)

func TestMain(m *testing.M) { twiliotest.RunOffline(m) }

var testCatalog = func() *locales.Catalog {
	cat, err := locales.Load()
	if err != nil {
		panic(err)
	}
	return cat
}()

// fixture is one store, runtime and handler.
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
	cfg := Config{AccountSID: testAccount, AuthToken: testToken, From: testFrom, PublicBaseURL: testBase}
	if mod != nil {
		mod(&cfg)
	}
	log := slog.New(slog.DiscardHandler)
	rt, err := bot.New(st, testCatalog, bot.Config{Log: log, Extensions: []bot.Extension{intake.Extension(st, intake.Config{Catalog: testCatalog})}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(cfg, rt, testCatalog, log)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, st: st, h: h, mux: http.NewServeMux(), cfg: cfg, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	h.now = func() time.Time { return f.now }
	// The per-sender limit counts in the store's windows.
	st.SetClock(func() time.Time { return f.now })
	h.Register(f.mux)
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

// signed posts form to path, correctly signed.
func (f *fixture) signed(path string, form url.Values) *httptest.ResponseRecorder {
	f.t.Helper()
	return f.post(path, form, twilio.Sign(testToken, testBase+path, form))
}

var sidSeq atomic.Int64

// newSid returns a fresh, well-formed MessageSid.
func newSid() string {
	return fmt.Sprintf("SM%032x", sidSeq.Add(1))
}

// inbound is a raw Twilio inbound-SMS form, every field Twilio sends.
func inbound(from, body, sid string) url.Values {
	return url.Values{
		"ToCountry": {"US"}, "ToState": {"DC"}, "SmsMessageSid": {sid}, "NumMedia": {"0"},
		"ToCity": {"WASHINGTON"}, "FromZip": {"20001"}, "SmsSid": {sid}, "FromState": {"DC"},
		"SmsStatus": {"received"}, "FromCity": {"WASHINGTON"}, "Body": {body}, "FromCountry": {"US"},
		"To": {testFrom}, "ToZip": {"20004"}, "NumSegments": {"1"}, "MessageSid": {sid},
		"AccountSid": {testAccount}, "From": {from}, "ApiVersion": {"2010-04-01"},
	}
}

// mediaSeq numbers test media SIDs.
var mediaSeq atomic.Int64

// withMedia adds n media of type ct to a raw inbound form as Twilio does
// (NumMedia, MediaUrl<i>, MediaContentType<i>) on base, the media host
// (DefaultMediaBaseURL or a fake Twilio's URL), and returns the URLs.
func withMedia(form url.Values, base, ct string, n int) []string {
	sid := form.Get("MessageSid")
	form.Set("MessageSid", "MM"+sid[2:])
	form.Set("SmsMessageSid", "MM"+sid[2:])
	form.Set("SmsSid", "MM"+sid[2:])
	form.Set("NumMedia", fmt.Sprint(n))
	var urls []string
	for i := range n {
		u := fmt.Sprintf("%s/2010-04-01/Accounts/%s/Messages/MM%s/Media/ME%032x", base, testAccount, sid[2:], mediaSeq.Add(1))
		form.Set(fmt.Sprintf("MediaUrl%d", i), u)
		form.Set(fmt.Sprintf("MediaContentType%d", i), ct)
		urls = append(urls, u)
	}
	return urls
}

// statusForm is a raw Twilio status callback.
func statusCallback(sid, status, errorCode, to string) url.Values {
	v := url.Values{
		"SmsSid": {sid}, "SmsStatus": {status}, "MessageStatus": {status}, "To": {to},
		"MessageSid": {sid}, "AccountSid": {testAccount}, "From": {testFrom}, "ApiVersion": {"2010-04-01"},
	}
	if errorCode != "" {
		v.Set("ErrorCode", errorCode)
	}
	return v
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

// contact returns the SMS contact at address, or fails.
func (f *fixture) contact(address string) store.Contact {
	f.t.Helper()
	c, err := f.st.ContactByAddress(f.t.Context(), Channel, address)
	if err != nil {
		f.t.Fatalf("contact: %v", err)
	}
	return c
}

// inboundCount counts the stored inbound messages of address (0 if the
// contact does not exist).
func (f *fixture) inboundCount(address string) int {
	f.t.Helper()
	return twiliotest.InboundCount(f.t, f.st, Channel, address)
}

// setLang makes address a contact speaking l.
func (f *fixture) setLang(address string, l locales.Lang) {
	f.t.Helper()
	err := f.st.InTx(f.t.Context(), func(tx *store.Tx) error {
		c, err := tx.ContactForUpdate(f.t.Context(), Channel, address)
		if err != nil {
			return err
		}
		return tx.SetContactLang(f.t.Context(), c.ID, string(l))
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

func sqliteFixture(t *testing.T, mod func(*Config)) *fixture {
	return newFixture(t, storetest.Open(t, storetest.SQLite), mod)
}

// postRaw sends body as is.
func (f *fixture) postRaw(path, body, sig string) *httptest.ResponseRecorder {
	f.t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set("X-Twilio-Signature", sig)
	}
	rec := httptest.NewRecorder()
	f.mux.ServeHTTP(rec, req)
	return rec
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
