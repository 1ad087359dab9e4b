package console

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// resident drives real intake conversations through the runtime, so a
// report's stored range of messages is the one residents produce.
type resident struct {
	t     *testing.T
	rt    *bot.Runtime
	phone string
	n     int
}

// residentStore opens a store on backend (on SQLite a file the test can
// read, returned as file; "" on Postgres), seeds the commissions and builds
// the runtime with intake, as cmd/rightsline wires it.
func residentStore(t *testing.T, backend string) (st *store.Store, file string, rt *bot.Runtime) {
	t.Helper()
	ctx := t.Context()
	if backend == storetest.SQLite {
		file = filepath.Join(t.TempDir(), "residents.db")
		var err error
		if st, err = store.Open(ctx, "sqlite:"+file); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
	} else {
		st = storetest.Open(t, backend)
	}
	return st, file, residentRuntime(t, st)
}

// residentRuntime builds the runtime with intake on st.
func residentRuntime(t *testing.T, st *store.Store) *bot.Runtime {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	if err := intake.SeedCommissions(t.Context(), st); err != nil {
		t.Fatal(err)
	}
	rt, err := bot.New(st, cat, bot.Config{Log: slog.New(slog.DiscardHandler), Extensions: []bot.Extension{intake.Extension(st, intake.Config{Catalog: cat})}})
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

// intakeAnswers are what a resident answers in one intake.
type intakeAnswers struct {
	narrative, zip, respondent string
	consent                    bool
	// during, if set, runs once in the middle of the intake (at the date
	// question): a STATUS, a staff update arriving.
	during func()
	// media are sent with the narrative (photos of the sweep).
	media []bot.Media
	// beforeMedia, if set, is sent as its own message just before the
	// narrative and its media (KEEP LOCATION).
	beforeMedia string
}

// contactID is the resident's contact id.
func (p *resident) contactID() int64 {
	p.t.Helper()
	c, err := p.rt.Store.ContactByAddress(context.Background(), "sms", p.phone)
	if err != nil {
		p.t.Fatal(err)
	}
	return c.ID
}

func (p *resident) send(text string) bot.Outcome { return p.sendWith(text, nil) }

// sendWith sends text with attachments.
func (p *resident) sendWith(text string, media []bot.Media) bot.Outcome {
	p.t.Helper()
	p.n++
	out, err := p.rt.Handle(context.Background(), bot.Inbound{
		Channel: "sms", Address: p.phone, Text: text, Lang: locales.English, Media: media,
		// A provider id like Twilio's, which never contains the address.
		ExternalID: fmt.Sprintf("SM%x%04d", sha256.Sum224([]byte(p.phone)), p.n),
	})
	if err != nil {
		p.t.Fatalf("send %q: %v", text, err)
	}
	return out
}

// intake runs one report from the main menu to its end: filed (returns the
// reference) or, without consent, dropped (returns "").
func (p *resident) intake(a intakeAnswers) string {
	p.t.Helper()
	out := p.send("report")
	wrote, editing := false, false
	for i := 0; i < 40; i++ {
		for _, r := range out.Replies {
			switch r.ID {
			case "intake.confirmation":
				ref, err := p.rt.Store.ReportsByContact(context.Background(), out.Contact.ID, 1)
				if err != nil || len(ref) == 0 {
					p.t.Fatalf("filed but no report stored: %v", err)
				}
				return ref[0].Reference
			case "intake.dropped":
				return ""
			}
		}
		state := out.Prompt.State
		var text string
		switch {
		case strings.HasSuffix(state, ".category"):
			text = "1"
		case strings.HasSuffix(state, ".what") && !wrote:
			wrote = true
			if a.media != nil {
				if a.beforeMedia != "" {
					p.send(a.beforeMedia)
				}
				out = p.sendWith(a.narrative, a.media)
				continue
			}
			text = a.narrative
		case strings.HasSuffix(state, ".what"):
			text = "done"
		case strings.HasSuffix(state, ".when"):
			if a.during != nil {
				a.during()
				a.during = nil
			}
			text = "11/02/2026"
		case strings.HasSuffix(state, "place"):
			text = a.zip
		case strings.HasSuffix(state, ".who"):
			text = "1"
		case strings.HasSuffix(state, ".who_name"):
			text = a.respondent
		case strings.HasSuffix(state, "trait"):
			text = "1"
		case strings.HasSuffix(state, ".contact"):
			text = "1"
		case strings.HasSuffix(state, ".safe_times"):
			text = "skip"
		case strings.HasSuffix(state, ".consent"):
			text = map[bool]string{true: "1", false: "2"}[a.consent]
		case strings.HasSuffix(state, ".no_consent"):
			text = "2"
		case strings.HasSuffix(state, ".summary"):
			// The place is remembered from an earlier report: correct it.
			if !strings.Contains(bot.JoinReplies(out.Replies), a.zip) && !editing {
				text, editing = "2", true
			} else {
				text = "1"
			}
		case strings.HasSuffix(state, ".edit"):
			text = "4"
		default:
			p.t.Fatalf("unexpected state %q after %q", state, bot.JoinReplies(out.Replies))
		}
		out = p.send(text)
	}
	p.t.Fatal("intake did not end")
	return ""
}

// The words only one report (or the declined intake) contains.
const (
	pghNarrative      = "Pittsburgh landlord Zebulon Quartermaine refused my lease"
	pghRespondent     = "Zebulon Quartermaine"
	declinedNarrative = "DECLINED-SECRET my husband Octavian Brightwater"
	dcNarrative       = "DC landlord said no vouchers to me"
	dcRespondent      = "Wilhelmina Dcowner"
)

// TestConsoleShowsOnlyTheReportsOwnConversation: one phone files a
// Pittsburgh report, then declines consent on a second intake, then files a
// DC report. On every console route and export, DC staff see the DC
// report's conversation and nothing of the Pittsburgh report or the
// declined intake; the declined intake's answers are gone from the store.
func TestConsoleShowsOnlyTheReportsOwnConversation(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			b := setup(t, backend)
			ctx := t.Context()
			rt := residentRuntime(t, b.store)
			p := &resident{t: t, rt: rt, phone: "+12025550177"}
			p.send("hi")
			pghRef := p.intake(intakeAnswers{narrative: pghNarrative, zip: "15213", respondent: pghRespondent, consent: true})
			if !strings.HasPrefix(pghRef, "PGH-") {
				t.Fatalf("Pittsburgh reference %q", pghRef)
			}
			if ref := p.intake(intakeAnswers{narrative: declinedNarrative, zip: "20001", respondent: "skip", consent: false}); ref != "" {
				t.Fatalf("declined intake filed %q", ref)
			}
			// In the middle of the DC intake the resident asks STATUS (the
			// reply names the Pittsburgh reference) and a staff update about
			// the Pittsburgh report arrives: neither is the DC report's.
			var pghRef0 = pghRef
			statusMidway := ""
			dcRef := p.intake(intakeAnswers{narrative: dcNarrative, zip: "20001", respondent: dcRespondent, consent: true, during: func() {
				statusMidway = bot.JoinReplies(p.send("STATUS").Replies)
				err := b.store.InTx(ctx, func(tx *store.Tx) error {
					return tx.InsertMessage(ctx, &store.Message{ContactID: p.contactID(), Direction: store.DirectionOut, Channel: "sms", Body: "Update on " + pghRef0 + ": Zebulon answered", Status: "sent"})
				})
				if err != nil {
					t.Fatal(err)
				}
			}})
			if !strings.Contains(statusMidway, pghRef) {
				t.Fatalf("STATUS in the middle of the intake should name %s: %q", pghRef, statusMidway)
			}
			if !strings.HasPrefix(dcRef, "DC-") {
				t.Fatalf("DC reference %q", dcRef)
			}
			pgh, err := b.store.ReportByReference(ctx, pghRef)
			if err != nil {
				t.Fatal(err)
			}
			dc, err := b.store.ReportByReference(ctx, dcRef)
			if err != nil {
				t.Fatal(err)
			}
			if pgh.ContactID != dc.ContactID {
				t.Fatal("the two reports should come from one contact")
			}

			// The declined intake's answers were erased at once.
			all, err := b.store.Transcript(ctx, dc.ContactID, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range all {
				if strings.Contains(m.Body, "DECLINED-SECRET") {
					t.Fatalf("the declined narrative is still stored: message %d", m.ID)
				}
			}

			forbidden := []string{"Zebulon", "Quartermaine", pghRef, "DECLINED-SECRET", "Octavian", "Brightwater"}
			check := func(what, body string) {
				t.Helper()
				for _, w := range forbidden {
					if strings.Contains(body, w) {
						t.Errorf("%s shows %q", what, w)
					}
				}
			}
			staff := store.Staff{Email: "pghreal@example.org", Name: "PGH", Role: store.RoleStaff, CommissionID: "pghchr"}
			if staff.PasswordHash, err = HashPassword(testPassword); err != nil {
				t.Fatal(err)
			}
			if err := b.store.InsertStaff(ctx, &staff); err != nil {
				t.Fatal(err)
			}

			dcc := b.login("dc")
			dcPage := fmt.Sprintf("%s/reports/%d", Path, dc.ID)
			status, body := dcc.get(dcPage)
			if status != http.StatusOK || !strings.Contains(body, "DC landlord said no vouchers") {
				t.Fatalf("DC report page: %d, own narrative missing", status)
			}
			if !strings.Contains(body, "Transcript") || strings.Count(body, "no vouchers") < 2 {
				t.Error("the DC report page should show its own conversation (narrative and transcript)")
			}
			check("DC report page", body)
			if !strings.Contains(body, "share_report · agreed · SMS · text intake.ask.consent (en, sha256:") {
				t.Error("the DC report page should show its consent ledger")
			}
			for _, path := range []string{
				Path + "/reports", Path + "/reports?status=all", Path + "/dashboard",
				dcPage + "/export.csv", Path + "/export.csv",
			} {
				status, body := dcc.get(path)
				if status != http.StatusOK {
					t.Errorf("%s: %d", path, status)
				}
				check(path, body)
			}
			_, body = dcc.get(dcPage + "/export.csv")
			if !strings.Contains(body, "resident ") || !strings.Contains(body, dcNarrative) {
				t.Error("the report export should carry its own transcript")
			}
			if !strings.Contains(body, "share_report agreed on sms (intake.ask.consent, en, sha256:") {
				t.Error("the report export should carry its consent ledger")
			}
			// The Pittsburgh report is not DC's: 404 on every route.
			pghPage := fmt.Sprintf("%s/reports/%d", Path, pgh.ID)
			for _, path := range []string{pghPage, pghPage + "/export.csv"} {
				if status, body := dcc.get(path); status != http.StatusNotFound {
					t.Errorf("DC staff GET %s: %d", path, status)
				} else {
					check(path, body)
				}
			}
			for _, path := range []string{"/status", "/assign", "/notes", "/updates"} {
				dcc.get(dcPage) // a fresh CSRF token
				status, _, body := dcc.post(pghPage+path, url.Values{"status": {"in_review"}, "from": {"new"}, "body": {"x"}, "template": {"update.general"}, "staff": {fmt.Sprint(b.staff["dc"].ID)}})
				if status != http.StatusNotFound {
					t.Errorf("DC staff POST %s%s: %d", pghPage, path, status)
				}
				check("POST "+path, body)
			}
			// POSTs on its own report answer with pages that stay in scope.
			for _, path := range []string{"/notes", "/assign"} {
				dcc.get(dcPage)
				_, loc, body := dcc.post(dcPage+path, url.Values{"body": {"a note"}, "staff": {fmt.Sprint(b.staff["dc"].ID)}})
				check("POST "+path, body)
				if loc != "" {
					_, body := dcc.get(loc)
					check("after POST "+path, body)
				}
			}

			// Pittsburgh staff see their report's conversation, and not DC's.
			pc := b.newClient()
			if status, _, _ := pc.signIn(staff.Email, testPassword); status != http.StatusSeeOther {
				t.Fatalf("pgh login: %d", status)
			}
			_, body = pc.get(pghPage)
			if !strings.Contains(body, "Zebulon Quartermaine refused") {
				t.Error("the Pittsburgh page should show its own narrative")
			}
			for _, w := range []string{"no vouchers", "Wilhelmina", dcRef, "DECLINED-SECRET", "Octavian"} {
				if strings.Contains(body, w) {
					t.Errorf("Pittsburgh page shows %q", w)
				}
			}

			// An admin sees both, each with its own conversation only.
			ac := b.login("admin")
			_, body = ac.get(dcPage)
			check("admin's DC page", body)
			_, body = ac.get(Path + "/export.csv")
			for _, w := range []string{"DECLINED-SECRET", "Octavian"} {
				if strings.Contains(body, w) {
					t.Errorf("admin export shows %q", w)
				}
			}
			for _, path := range []string{Path + "/audit", Path + "/staff", Path + "/commissions"} {
				_, body := ac.get(path)
				check(path, body)
			}
			// Staff cannot erase; an admin can, with a reason, audited.
			dcc.get(dcPage)
			if status, _, _ := dcc.post(dcPage+"/erase", url.Values{"reason": {"asked by phone"}}); status != http.StatusNotFound {
				t.Errorf("staff erase: %d", status)
			}
			ac.get(dcPage)
			if status, _, _ := ac.post(dcPage+"/erase", url.Values{"reason": {""}}); status != http.StatusBadRequest {
				t.Errorf("erase without a reason: %d", status)
			}
			if status, loc, _ := ac.post(dcPage+"/erase", url.Values{"reason": {"asked by phone"}}); status != http.StatusSeeOther || loc == "" {
				t.Errorf("admin erase: %d %q", status, loc)
			}
			if got, _ := b.store.ReportByID(ctx, dc.ID); got.Status != store.ReportClosed || got.Narrative != "" {
				t.Errorf("after the admin's erasure the DC report is %s with %d bytes of narrative", got.Status, len(got.Narrative))
			}
			if _, err := b.store.ContactByAddress(ctx, "sms", p.phone); err == nil {
				t.Error("the erased person can still be found by number")
			}
			_, audit := ac.get(Path + "/audit")
			if !strings.Contains(audit, "person.erase") || !strings.Contains(audit, "asked by phone") || strings.Contains(audit, p.phone) {
				t.Error("the erasure should be audited with its reason, without the number")
			}
			// In the full export each row's transcript is its own.
			for _, line := range strings.Split(body, "\n") {
				if strings.HasPrefix(line, dcRef) && strings.Contains(line, "Zebulon") {
					t.Error("the DC row of the export carries the Pittsburgh conversation")
				}
			}
		})
	}
}
