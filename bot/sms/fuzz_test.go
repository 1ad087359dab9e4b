package sms

import (
	"encoding/xml"
	"github.com/rightsline/rightsline/bot/twilio"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/twilio/twilio-go/client"

	"github.com/rightsline/rightsline/store/storetest"
)

// Fuzz targets for Twilio's forms and signatures. The seed corpora run in
// every `go test`; explore with, e.g.,
//
//	go test ./bot/sms -run '^$' -fuzz FuzzInboundWebhook -fuzztime 1m

// formSeeds are raw webhook bodies: Twilio's own, and odd ones.
func formSeeds() []string {
	sid := "SM0123456789abcdef0123456789abcdef"
	return []string{
		inbound("+12025550123", "hola", sid).Encode(),
		inbound("+12025550123", "我的房东换了锁 😀", sid).Encode(),
		statusCallback(sid, "delivered", "", "+12025550123").Encode(),
		statusCallback(sid, "undelivered", "21610", "+12025550123").Encode(),
		"", "MessageSid=SM1&From=x", "Body=%ff%fe&From=%2B1&MessageSid=" + sid, "a=1&a=2",
		"MessageSid=" + sid + "&From=%2B1202&NumMedia=-1", "MessageSid=" + sid + "&From=%2B1202&NumMedia=99999999999999999999",
		"MessageSid=" + sid + "&From=" + strings.Repeat("9", 65), "%zz", "MessageStatus=DELIVERED&MessageSid=" + sid,
		"SmsSid=" + sid + "&SmsStatus=sent&ErrorCode=3%2E5", "MessageSid=MM" + sid[2:] + "&From=%00%0a",
	}
}

func FuzzParseForms(f *testing.F) {
	for _, s := range formSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		if in, err := parseInbound(v, Config{AccountSID: testAccount}); err == nil {
			if !validSid(in.MessageSid, "SM", "MM") || in.From == "" || len(in.From) > 64 || in.NumMedia < 0 || in.NumMedia > 10 || len(in.Media) != in.NumMedia {
				t.Fatalf("parseInbound(%q) accepted %+v", raw, in)
			}
			for _, m := range in.Media {
				if !mediaURLOK(m.URL, DefaultMediaBaseURL, testAccount) {
					t.Fatalf("parseInbound(%q) accepted media URL %q", raw, m.URL)
				}
			}
			if in.AccountSid != "" && in.AccountSid != testAccount {
				t.Fatalf("parseInbound(%q) accepted another account", raw)
			}
		}
		if st, err := twilio.ParseStatus(v, testAccount); err == nil {
			if !twilio.KnownStatus(st.MessageStatus) || !validSid(st.MessageSid, "SM", "MM") {
				t.Fatalf("parseStatus(%q) accepted %+v", raw, st)
			}
		}
	})
}

// Sign (the load tool's and the tests') and twilio-go's validator (the
// handler's) agree on every URL and form, and a changed URL or field fails.
func FuzzSignature(f *testing.F) {
	f.Add("https://rightsline.example.org/twilio/sms", "Body=hi&From=%2B1")
	f.Add("https://rightsline.example.org/twilio/sms?x=1#rc=5", "")
	f.Add("https://h/p", "k=%E2%82%AC&K=v&k2=")
	validator := client.NewRequestValidator(testToken)
	f.Fuzz(func(t *testing.T, u, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		params := map[string]string{}
		for k, vs := range v {
			if len(vs) != 1 {
				return // the handler refuses repeated fields before validating
			}
			params[k] = vs[0]
		}
		sig := twilio.Sign(testToken, u, v)
		if !validator.Validate(u, params, sig) {
			t.Fatalf("twilio-go refuses twilio.Sign(%q, %q)", u, raw)
		}
		if validator.Validate(u+"x", params, sig) {
			t.Fatalf("a signature for %q also validates %q", u, u+"x")
		}
		params["zz-added"] = "1"
		if validator.Validate(u, params, sig) {
			t.Fatalf("an added field keeps the signature of %q valid", raw)
		}
	})
}

// Whatever a correctly signed body holds, the webhooks answer a 2xx with
// well-formed TwiML or a clear 4xx, never a 5xx; unsigned, a 403.
func FuzzInboundWebhook(f *testing.F) {
	for _, s := range formSeeds() {
		f.Add(s)
	}
	fx := newFixture(f, storetest.Open(f, storetest.SQLite), nil)
	f.Fuzz(func(t *testing.T, raw string) {
		fx.t = t // iterations run one at a time in a process
		for _, path := range []string{InboundPath, StatusPath} {
			sig := "bad"
			if v, err := url.ParseQuery(raw); err == nil {
				sig = twilio.Sign(testToken, testBase+path, v)
			}
			rec := fx.postRaw(path, raw, sig)
			switch {
			case rec.Code >= 500:
				t.Fatalf("%s answered %d to %q: %s", path, rec.Code, raw, rec.Body)
			case rec.Code == http.StatusOK && path == InboundPath:
				if err := xml.Unmarshal(rec.Body.Bytes(), new(struct {
					XMLName xml.Name `xml:"Response"`
				})); err != nil {
					t.Fatalf("%s answered 200 with something that is not TwiML: %q", path, rec.Body)
				}
			}
			if rec := fx.postRaw(path, raw, "Zm9yZ2Vk"); rec.Code != http.StatusForbidden && rec.Code != http.StatusBadRequest && rec.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("%s answered %d to a forged signature", path, rec.Code)
			}
		}
	})
}
