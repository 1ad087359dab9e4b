package main

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot/twilio"
	"github.com/rightsline/rightsline/bot/whatsapp"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/store"
)

// TestWhatsAppIsOffUnlessConfigured: without TWILIO_WHATSAPP_FROM the
// WhatsApp routes answer 404 (and an account with only a WhatsApp sender
// leaves SMS off); half a configuration or a bad templates file stops
// start-up naming what is wrong; a full one mounts routes that refuse
// unsigned requests and answer signed ones; the console's planner notes a
// template outside the 24-hour window and refuses an update without one.
func TestWhatsAppIsOffUnlessConfigured(t *testing.T) {
	a := newTestApp(t, "sqlite:"+filepath.Join(t.TempDir(), "w.db"), false)
	defer a.Close()
	mux := http.NewServeMux()
	if err := mountWhatsApp(mux, a); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{whatsapp.InboundPath, whatsapp.StatusPath} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(http.MethodPost, p, strings.NewReader("Body=hi")))
		if w.Code != http.StatusNotFound {
			t.Errorf("unconfigured %s: status %d, want 404", p, w.Code)
		}
	}
	if whatsappPlanner(a) != nil {
		t.Error("a planner without WhatsApp")
	}

	half := *a
	half.cfg.WhatsAppFrom = "+12025550100"
	if err := mountWhatsApp(http.NewServeMux(), &half); err == nil || !strings.Contains(err.Error(), "TWILIO_AUTH_TOKEN") {
		t.Errorf("half-configured: err = %v, want one naming TWILIO_AUTH_TOKEN", err)
	}

	full := *a
	full.cfg.TwilioAccountSID = "AC0123456789abcdef0123456789abcdef"
	full.cfg.TwilioAuthToken = "token"
	full.cfg.WhatsAppFrom = "whatsapp:+12025550100"
	full.cfg.PublicBaseURL = "https://rightsline.example.org"
	if on, err := smsEnabled(full.cfg); on || err != nil {
		t.Errorf("only a WhatsApp sender: SMS on=%v err=%v; want off", on, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("[messages.\"update.general\"]\ncontent.en = \"HX1\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	full.cfg.WhatsAppTemplatesFile = bad
	if err := mountWhatsApp(http.NewServeMux(), &full); err == nil || !strings.Contains(err.Error(), "ContentSid") {
		t.Errorf("bad templates file: err = %v", err)
	}
	full.cfg.WhatsAppTemplatesFile = "../../deploy/whatsapp-templates.example.toml"
	mux = http.NewServeMux()
	if err := mountWhatsApp(mux, &full); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"From": {"whatsapp:+12025550111"}, "To": {"whatsapp:+12025550100"}, "Body": {"hello"},
		"MessageSid": {"SM0123456789abcdef0123456789abcdef"}, "AccountSid": {full.cfg.TwilioAccountSID}, "ProfileName": {"A. Resident"}}
	post := func(sig string) int {
		req := httptest.NewRequest(http.MethodPost, whatsapp.InboundPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if sig != "" {
			req.Header.Set("X-Twilio-Signature", sig)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
		return w.Code
	}
	if code := post(""); code != http.StatusForbidden {
		t.Errorf("unsigned: %d, want 403", code)
	}
	if code := post(twilio.Sign("token", full.cfg.PublicBaseURL+whatsapp.InboundPath, form)); code != http.StatusOK {
		t.Fatalf("signed: %d, want 200", code)
	}

	// The resident wrote just now: free text, no note. Two days later:
	// the English template of the example file; an update with none is
	// refused, saying why.
	plan := whatsappPlanner(&full)
	c, err := a.store.ContactByAddress(t.Context(), whatsapp.Channel, "+12025550111")
	if err != nil {
		t.Fatal(err)
	}
	note := func(id string) (string, error) {
		var n string
		err := a.store.InTx(t.Context(), func(tx *store.Tx) error {
			var err error
			n, err = plan(t.Context(), tx, c, store.OutboundTemplate{ID: id, Lang: "ko", Vars: map[string]string{"ref": "DC-7Q3K", "commission": "OHR"}})
			return err
		})
		return n, err
	}
	if n, err := note(intake.UpdateGeneral); n != "" || err != nil {
		t.Fatalf("inside the window: %q, %v", n, err)
	}
	if err := a.store.InTx(t.Context(), func(tx *store.Tx) error {
		_, err := tx.SQL().ExecContext(t.Context(), "UPDATE messages SET created_at = $1 WHERE contact_id = $2", time.Now().Add(-48*time.Hour).UTC().Format("2006-01-02T15:04:05.000000Z"), c.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n, err := note(intake.UpdateGeneral); err != nil || !strings.Contains(n, "HX00000000000000000000000000000006") || !strings.Contains(n, "English") {
		t.Fatalf("outside the window: %q, %v", n, err)
	}
	var ue *intake.UndeliverableError
	if _, err := note("update.unknown"); !errors.As(err, &ue) || !strings.Contains(ue.Reason, "24 hours") {
		t.Fatalf("no template: %v", err)
	}
}
