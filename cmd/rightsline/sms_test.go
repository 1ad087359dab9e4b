package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSMSIsOffUnlessConfigured: without Twilio settings the routes answer
// 404 and the outbox has nothing to send with; half a configuration stops
// start-up naming what is missing; a full one mounts routes that refuse
// unsigned requests.
func TestSMSIsOffUnlessConfigured(t *testing.T) {
	a := newTestApp(t, "sqlite:"+filepath.Join(t.TempDir(), "s.db"), false)
	defer a.Close()

	mux := http.NewServeMux()
	if err := mountSMS(mux, a); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/twilio/sms", "/twilio/status"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest(http.MethodPost, p, strings.NewReader("Body=hi")))
		if w.Code != http.StatusNotFound {
			t.Errorf("unconfigured %s: status %d, want 404", p, w.Code)
		}
	}
	// Without Twilio the outbox still runs (simulator and terminal
	// users), and stops cleanly when serve does.
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if err := runOutbox(ctx, a); err != nil {
		t.Errorf("outbox without Twilio: %v", err)
	}

	half := *a
	half.cfg.TwilioAccountSID = "AC0123456789abcdef0123456789abcdef"
	if err := mountSMS(http.NewServeMux(), &half); err == nil || !strings.Contains(err.Error(), "TWILIO_AUTH_TOKEN") || !strings.Contains(err.Error(), "PUBLIC_BASE_URL") {
		t.Errorf("half-configured: err = %v, want one naming TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL", err)
	}

	full := *a
	full.cfg.TwilioAccountSID = "AC0123456789abcdef0123456789abcdef"
	full.cfg.TwilioAuthToken = "token"
	full.cfg.TwilioFrom = "+12025550100"
	full.cfg.PublicBaseURL = "https://rightsline.example.org"
	mux = http.NewServeMux()
	if err := mountSMS(mux, &full); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/twilio/sms", strings.NewReader("Body=hi&From=%2B12025550111&MessageSid=SM0123456789abcdef0123456789abcdef"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	mux.ServeHTTP(w, req)
	if w.Code != http.StatusForbidden {
		t.Errorf("unsigned request: status %d, want 403", w.Code)
	}
}
