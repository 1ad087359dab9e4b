package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiscordRegisterPrintsLocalizedCommands(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := dispatch(context.Background(), []string{"discord", "register", "--print"}, nil, &out, &errOut); err != nil {
		t.Fatalf("err = %v, stderr %q", err, errOut.String())
	}
	var cmds []struct {
		Name              string            `json:"name"`
		NameLocalizations map[string]string `json:"name_localizations"`
	}
	if err := json.Unmarshal(out.Bytes(), &cmds); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if len(cmds) != 8 || cmds[0].Name != "rights" || cmds[0].NameLocalizations["es-ES"] != "derechos" {
		t.Errorf("commands %+v", cmds)
	}
	err := dispatch(context.Background(), []string{"discord"}, nil, &out, &errOut)
	if !errors.Is(err, errUsage) {
		t.Errorf("bare discord: err = %v, want a usage error", err)
	}
}

// Without Discord settings the route is absent (404) and the outbox gets no
// Discord sender; with only some of them, serve refuses to start.
func TestDiscordIsOffUnlessFullyConfigured(t *testing.T) {
	a := newTestApp(t, "sqlite:"+filepath.Join(t.TempDir(), "d.db"), false)
	defer a.Close()
	mux := http.NewServeMux()
	if err := mountDiscord(mux, a); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/discord/interactions", strings.NewReader("{}")))
	if w.Code != http.StatusNotFound {
		t.Errorf("unconfigured: status %d, want 404", w.Code)
	}
	d := newDispatcher(a)
	if err := registerDiscordSender(a, d); err != nil || d.Channels() != 0 {
		t.Errorf("unconfigured: sender registered (%d channels, err %v)", d.Channels(), err)
	}
	if err := runDiscordGateway(t.Context(), a); err != nil {
		t.Errorf("unconfigured gateway: %v", err)
	}

	half := *a
	half.cfg.DiscordAppID = "123"
	if err := mountDiscord(http.NewServeMux(), &half); err == nil || !strings.Contains(err.Error(), "DISCORD_PUBLIC_KEY") {
		t.Errorf("half-configured: err = %v, want one naming DISCORD_PUBLIC_KEY", err)
	}

	full := *a
	full.cfg.DiscordAppID, full.cfg.DiscordBotToken = "123", "token"
	full.cfg.DiscordPublicKey = strings.Repeat("ab", 32)
	mux = http.NewServeMux()
	if err := mountDiscord(mux, &full); err != nil {
		t.Fatal(err)
	}
	w = httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/discord/interactions", strings.NewReader("{}")))
	if w.Code != http.StatusUnauthorized {
		t.Errorf("configured, unsigned request: status %d, want 401", w.Code)
	}
	d = newDispatcher(a)
	if err := registerDiscordSender(&full, d); err != nil || d.Channels() != 1 {
		t.Errorf("configured: %d channels, err %v; want the Discord sender", d.Channels(), err)
	}
}
