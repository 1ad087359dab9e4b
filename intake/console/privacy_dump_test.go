package console

import (
	"bytes"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// dumpDB reads every column of every table of st as text and returns, per
// table, the rows joined; tables and columns counts what it read.
func dumpDB(t *testing.T, st *store.Store) (dump map[string]string, tables, columns int) {
	t.Helper()
	ctx := t.Context()
	var names []string
	var q string
	if st.Dialect() == store.SQLite {
		q = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	} else {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name"
	}
	rows, err := st.DB().QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	dump = map[string]string{}
	for _, table := range names {
		rows, err := st.DB().QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		columns += len(cols)
		var b strings.Builder
		for rows.Next() {
			vals := make([]sql.RawBytes, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if bytes.HasPrefix(v, []byte("rl1.")) && !slices.Contains(store.SealedColumns(), table+"."+cols[i]) {
					t.Errorf("%s.%s holds sealed values but is not in store.SealedColumns(): `keys rotate` would miss it", table, cols[i])
				}
				b.Write(v)
				b.WriteByte('|')
			}
			b.WriteByte('\n')
		}
		rows.Close()
		dump[table] = b.String()
	}
	return dump, len(names), columns
}

// personal is what the test conversation and report contain that must
// never be stored in clear.
var personal = []string{
	"+12025550177", "2025550177", // the resident's phone
	"+14125550166",            // the other number they gave
	"884422113355779900",      // a Discord user id
	"774411223366998800",      // the Discord moderator who ran /setup
	"Zebulon", "Quartermaine", // the respondent's name, in the narrative and the answer
	"refused my lease",        // the narrative
	"Octavian", "Brightwater", // a name in a rights question
	"after six on weekdays", // the safe times
	"Marisol Vantongeren",   // the resident's own name, in a staff note
	"203.0.113.77",          // a client address in the audit log
	// Staff: the accounts the console test set-up makes, one an admin adds
	// (whose e-mail the audit log, an assignment event and a password
	// reset name), a translator's signature.
	"admin@example.org", "dc@example.org", "Test admin", "Test dc",
	"perpetua.vandersloot@example.org", "Perpetua", "Vandersloot",
	"Tigist Alemayehu",
	photoMarker, urlMarker, // a photo sent with the report, and its address
}

// TestNoPersonalDataInClear runs a conversation, a Discord conversation, a
// report with another number, safe times and a photo (its bytes and its
// address), a staff note, a queued update and a Discord setup, then dumps every table (and on SQLite the database
// file and its WAL) and finds none of it in clear. Run with -v for the
// tables and columns scanned.
func TestNoPersonalDataInClear(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			st, file, rt := residentStore(t, backend)
			p := &resident{t: t, rt: rt, phone: "+12025550177"}
			p.send("hi")
			p.send("Can Octavian Brightwater evict me without a court order?")
			_, w, files := photoCDN(t, st)
			ref := p.intake(intakeAnswers{narrative: "Pittsburgh landlord Zebulon Quartermaine refused my lease", zip: "15213", respondent: "Zebulon Quartermaine", consent: true, media: files[:1]})
			workAll(t, w)
			if n, err := st.ContactMediaCount(ctx, p.contactID()); err != nil || n != 1 {
				t.Fatalf("%d photos stored, %v", n, err)
			}
			rep, err := st.ReportByReference(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			d := &resident{t: t, rt: rt, phone: "884422113355779900"}
			d.send("hi")
			// Linking: a code asked for by SMS, typed on Discord; a second
			// one asked for and left alive. Only keyed digests are stored.
			codeOf := func(out bot.Outcome) string {
				t.Helper()
				code := regexp.MustCompile(`[0-9]{6}`).FindString(out.Replies[0].Text)
				if code == "" {
					t.Fatalf("LINK answered %+v", out.Replies)
				}
				return code
			}
			code := codeOf(p.send("LINK"))
			if out, err := rt.Handle(ctx, bot.Inbound{Channel: "discord", Address: "884422113355779900", Text: "link " + code, ExternalID: "dc-link-1"}); err != nil || out.Replies[0].ID != intake.MsgLinkDone {
				t.Fatalf("link on discord: %+v %v", out, err)
			}
			liveCode := codeOf(p.send("LINK"))
			err = st.InTx(ctx, func(tx *store.Tx) error {
				c, err := tx.ContactForUpdate(ctx, "discord", "884422113355779900")
				if err != nil {
					return err
				}
				if _, err := tx.EnqueueOutbound(ctx, &store.Outbound{Channel: "sms", ContactID: rep.ContactID, Address: "+14125550166", Body: "Zebulon Quartermaine replied"}); err != nil {
					return err
				}
				if _, err := tx.EnqueueOutbound(ctx, &store.Outbound{Channel: "discord", ContactID: c.ID, Address: c.Address, Body: "hello"}); err != nil {
					return err
				}
				other := store.Report{Reference: "PGH-TEST-0001", ContactID: rep.ContactID, Channel: "sms", Lang: "en", Category: "housing",
					Narrative: "again Zebulon", RespondentName: "Zebulon Quartermaine", ContactMethod: store.ContactOther,
					ContactPhone: "+14125550166", SafeTimes: "after six on weekdays", Consent: true, CommissionID: "pghchr"}
				if err := tx.InsertReport(ctx, &other); err != nil {
					return err
				}
				if err := tx.InsertAudit(ctx, &store.AuditEntry{Action: "login.unknown", IP: "203.0.113.77"}); err != nil {
					return err
				}
				return tx.InsertReportNote(ctx, &store.ReportNote{ReportID: rep.ID, Body: "Spoke with Marisol Vantongeren"})
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.SaveDiscordGuild(ctx, &store.DiscordGuild{GuildID: "1234", Jurisdiction: "dc", Lang: "en", UpdatedBy: "774411223366998800"}); err != nil {
				t.Fatal(err)
			}
			staffUseConsole(t, setupOn(t, st, nil))
			// The store still reads it all back.
			if got, err := st.ReportByReference(ctx, "PGH-TEST-0001"); err != nil || got.SafeTimes != "after six on weekdays" || got.ContactPhone != "+14125550166" {
				t.Fatalf("sealed report does not read back: %+v %v", got, err)
			}
			if c, err := st.ContactByAddress(ctx, "sms", "+12025550177"); err != nil || c.Address != "+12025550177" {
				t.Fatalf("contact by address: %+v %v", c, err)
			}
			if g, err := st.DiscordGuild(ctx, "1234"); err != nil || g.UpdatedBy != "774411223366998800" {
				t.Fatalf("guild: %+v %v", g, err)
			}

			dump, tables, columns := dumpDB(t, st)
			cells := 0
			for table, text := range dump {
				cells += strings.Count(text, "|")
				for _, w := range personal {
					if strings.Contains(text, w) {
						t.Errorf("table %s holds %q in clear", table, w)
					}
				}
			}
			// A 6-digit code could match digits of a timestamp or digest by
			// chance elsewhere; the one table that holds codes holds only
			// the live one's digest, and the messages are sealed.
			if dump["link_codes"] == "" || dump["persons"] == "" {
				t.Fatal("no link code or person to check")
			}
			for _, c := range []string{code, liveCode} {
				if strings.Contains(dump["link_codes"], c) {
					t.Errorf("link_codes holds the code %q in clear", c)
				}
				if strings.Contains(dump["messages"], "link "+c) || strings.Contains(dump["messages"], ": "+c) {
					t.Errorf("messages hold the code %q in clear", c)
				}
			}
			if tables < 15 || dump["messages"] == "" || dump["reports"] == "" {
				t.Fatalf("the dump read %d tables; messages or reports empty", tables)
			}
			t.Logf("%s: scanned %d tables, %d columns, %d cells", backend, tables, columns, cells)
			if file != "" {
				for _, f := range []string{file, file + "-wal"} {
					raw, err := os.ReadFile(f)
					if err != nil {
						if f == file {
							t.Fatal(err)
						}
						continue
					}
					for _, w := range personal {
						if bytes.Contains(raw, []byte(w)) {
							t.Errorf("%s holds %q in clear", filepath.Base(f), w)
						}
					}
					t.Logf("%s: scanned %d bytes of %s", backend, len(raw), filepath.Base(f))
				}
			}
		})
	}
}

// staffUseConsole signs in by e-mail and does, through the console, what
// writes staff e-mails and names: an admin adds a member, resets their
// password, assigns them a report, writes a note; a translator signs an
// edit. It checks the pages still name the member by e-mail.
func staffUseConsole(t *testing.T, b *bundle) {
	t.Helper()
	ctx := t.Context()
	admin := b.login("admin")
	status, _, body := admin.post(Path+"/staff", url.Values{"email": {" Perpetua.Vandersloot@Example.org"}, "name": {"Perpetua Vandersloot"}, "role": {"staff"}, "commission": {"dc-ohr"}})
	if status != http.StatusOK {
		t.Fatalf("add staff: %d %s", status, body)
	}
	who, err := b.store.StaffByEmail(ctx, "perpetua.vandersloot@example.org")
	if err != nil || who.Name != "Perpetua Vandersloot" {
		t.Fatalf("new member by e-mail: %+v %v", who, err)
	}
	if status, _, _ := admin.post(fmt.Sprintf("%s/staff/%d/password", Path, who.ID), nil); status != http.StatusOK {
		t.Fatalf("reset password: %d", status)
	}
	rep := b.reports["dc"]
	if status, _, _ := admin.post(fmt.Sprintf("%s/reports/%d/assign", Path, rep.ID), url.Values{"staff": {fmt.Sprint(who.ID)}}); status != http.StatusSeeOther {
		t.Fatalf("assign: %d", status)
	}
	if status, _, _ := admin.post(fmt.Sprintf("%s/reports/%d/notes", Path, rep.ID), url.Values{"body": {"called back"}}); status != http.StatusSeeOther {
		t.Fatalf("note: %d", status)
	}
	if err := b.store.InTx(ctx, func(tx *store.Tx) error {
		return tx.InsertTranslationEdit(ctx, &store.TranslationEdit{Lang: "am", MessageID: "common.help", Text: "እገዛ", SourceHash: "h",
			Status: store.TranslationDraft, StaffID: who.ID, StaffName: "Tigist Alemayehu"})
	}); err != nil {
		t.Fatal(err)
	}
	// Read back opened: the report page names the assignee and the note's
	// author, the audit log the member added and reset.
	if _, page := admin.get(fmt.Sprintf("%s/reports/%d", Path, rep.ID)); !strings.Contains(page, "to perpetua.vandersloot@example.org") || !strings.Contains(page, "Test admin") {
		t.Errorf("the report page does not name the assignee and the note's author")
	}
	if _, page := admin.get(Path + "/audit"); !strings.Contains(page, "perpetua.vandersloot@example.org (staff dc-ohr)") || !strings.Contains(page, "admin@example.org") {
		t.Errorf("the audit log does not name the member added")
	}
	if _, page := admin.get(Path + "/staff"); !strings.Contains(page, "Perpetua Vandersloot") || strings.Index(page, "admin@example.org") > strings.Index(page, "perpetua.vandersloot@example.org") {
		t.Errorf("the staff list does not show the members in e-mail order")
	}
}
