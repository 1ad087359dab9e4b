package console

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestReportPageSaysWhereThePersonIsReachable: after the resident links
// Discord to the SMS number they filed from, the report page says
// "Reachable on: SMS, Discord" (kinds only, no address), in the audited
// view; after UNLINK it says SMS again.
func TestReportPageSaysWhereThePersonIsReachable(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			st, _, rt := residentStore(t, backend)
			p := &resident{t: t, rt: rt, phone: "+14125550123"}
			p.send("hi")
			ref := p.intake(intakeAnswers{narrative: "The landlord refused my lease", zip: "20001", respondent: "Acme", consent: true})
			rep, err := st.ReportByReference(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			b := setupOn(t, st, nil)
			pgh := b.login("dc")
			page := func() string {
				t.Helper()
				status, body := pgh.get(fmt.Sprintf("%s/reports/%d", Path, rep.ID))
				if status != 200 {
					t.Fatalf("report page: %d", status)
				}
				m := regexp.MustCompile(`<dt>Reachable on</dt><dd>(.*?)</dd>`).FindStringSubmatch(body)
				if m == nil {
					t.Fatalf("no Reachable on line in the report page")
				}
				return m[1]
			}
			if got := page(); got != "SMS" {
				t.Fatalf("before linking: %q", got)
			}
			const user = "883311224455667700"
			code := regexp.MustCompile(`[0-9]{6}`).FindString(p.send("LINK").Replies[0].Text)
			out, err := rt.Handle(ctx, bot.Inbound{Channel: "discord", Address: user, Text: "LINK " + code, ExternalID: "dc-reach-1"})
			if err != nil || out.Replies[0].ID != intake.MsgLinkDone {
				t.Fatalf("link: %+v %v", out, err)
			}
			got := page()
			if !strings.HasPrefix(got, "SMS, Discord ") || strings.Contains(got, user) || strings.Contains(got, "4125550123") {
				t.Fatalf("after linking: %q", got)
			}
			if n := b.count("audit_log", "action = 'report.view' AND report_id = $1", rep.ID); n != 2 {
				t.Fatalf("%d audited views, want 2", n)
			}
			// The history says so, without an address.
			_, body := pgh.get(fmt.Sprintf("%s/reports/%d", Path, rep.ID))
			if !strings.Contains(body, "linked their SMS and Discord contacts") || strings.Contains(body, user) {
				t.Fatalf("the report history does not show the link (or shows an address)")
			}
			if _, err := rt.Handle(ctx, bot.Inbound{Channel: "discord", Address: user, Text: "UNLINK", ExternalID: "dc-reach-2"}); err != nil {
				t.Fatal(err)
			}
			if got := page(); got != "SMS" {
				t.Fatalf("after unlinking: %q", got)
			}
		})
	}
}
