package console

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// sealedValues reads the stored (sealed) text of the resident's address,
// narrative and messages, to look for those exact bytes after erasure.
func sealedValues(t *testing.T, st *store.Store, contactID, reportID int64) []string {
	t.Helper()
	ctx := t.Context()
	var out []string
	var addr, hash, narrative string
	if err := st.DB().QueryRowContext(ctx, "SELECT address, address_hash FROM contacts WHERE id = $1", contactID).Scan(&addr, &hash); err != nil {
		t.Fatal(err)
	}
	if err := st.DB().QueryRowContext(ctx, "SELECT narrative FROM reports WHERE id = $1", reportID).Scan(&narrative); err != nil {
		t.Fatal(err)
	}
	out = append(out, addr, hash, narrative)
	rows, err := st.DB().QueryContext(ctx, "SELECT body FROM messages WHERE contact_id = $1 AND body <> ''", contactID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var b sql.NullString
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		out = append(out, b.String)
	}
	return out
}

// TestResidentErasesTheirData: DELETE, then YES, erases the resident's
// messages and personal data on both backends: the open report is
// withdrawn with its narrative erased, the accepted one keeps the case
// without the person, and no byte of the phone number or narrative
// (plain or sealed) remains in any table, nor in the SQLite file or WAL.
// An admin's erasure from the console does the same for another person.
func TestResidentErasesTheirData(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			st, file, rt := residentStore(t, backend)
			p := &resident{t: t, rt: rt, phone: "+12025550133"}
			p.send("hi")
			acceptedRef := p.intake(intakeAnswers{narrative: "ACCEPTED-CASE landlord Ignatius Fairweather", zip: "20001", respondent: "Ignatius Fairweather", consent: true})
			openRef := p.intake(intakeAnswers{narrative: "OPEN-CASE my neighbour Persephone Oakenshield", zip: "20001", respondent: "skip", consent: true})
			accepted, _ := st.ReportByReference(ctx, acceptedRef)
			open, _ := st.ReportByReference(ctx, openRef)
			if _, err := st.DB().ExecContext(ctx, "UPDATE reports SET status = 'accepted' WHERE id = $1", accepted.ID); err != nil {
				t.Fatal(err)
			}
			sealed := sealedValues(t, st, open.ContactID, open.ID)

			// DELETE, then something else: nothing is erased.
			if out := p.send("DELETE"); len(out.Replies) != 1 || out.Replies[0].ID != intake.MsgEraseConfirm {
				t.Fatalf("DELETE answered %+v", out.Replies)
			}
			p.send("menu")
			if out := p.send("yes"); len(out.Replies) > 0 && out.Replies[0].ID == intake.MsgEraseDone {
				t.Fatal("a YES after another message erased")
			}
			if _, err := st.ContactByAddress(ctx, "sms", p.phone); err != nil {
				t.Fatalf("contact gone without confirmation: %v", err)
			}
			// In Spanish: borrar, then sí.
			p.send("borrar mis datos")
			out := p.send("sí")
			if len(out.Replies) != 1 || out.Replies[0].ID != intake.MsgEraseDone {
				t.Fatalf("confirmation answered %+v", out.Replies)
			}
			if err := st.Compact(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := st.ContactByAddress(ctx, "sms", p.phone); err == nil {
				t.Fatal("the contact can still be found by its number")
			}
			got, err := st.ReportByID(ctx, open.ID)
			if err != nil || got.Status != store.ReportClosed || got.CloseReason != store.CloseReasonWithdrawn || got.Narrative != "" || got.ContactID == open.ContactID {
				t.Fatalf("open report after erasure: %+v %v", got, err)
			}
			kept, err := st.ReportByID(ctx, accepted.ID)
			if err != nil || kept.Status != store.ReportAccepted || !strings.Contains(kept.Narrative, "ACCEPTED-CASE") || kept.ContactID == accepted.ContactID || kept.ContactMethod != store.ContactNone {
				t.Fatalf("accepted report after erasure: %+v %v", kept, err)
			}
			if msgs, _ := st.ReportTranscript(ctx, kept); len(msgs) != 0 {
				t.Fatalf("the kept report still shows %d messages", len(msgs))
			}

			// No byte of the number or the open narrative, plain or sealed.
			needles := append([]string{"+12025550133", "2025550133", "OPEN-CASE", "Persephone", "Oakenshield"}, sealed...)
			dump, tables, columns := dumpDB(t, st)
			for table, text := range dump {
				for _, w := range needles {
					if w != "" && strings.Contains(text, w) {
						t.Errorf("after erasure table %s holds %.40q", table, w)
					}
				}
			}
			// The audit says it happened, not what was erased.
			if !strings.Contains(dump["audit_log"], "person.erase") {
				t.Error("the erasure is not audited")
			}
			t.Logf("%s: scanned %d tables, %d columns after erasure", backend, tables, columns)

			if file != "" {
				for _, f := range []string{file, file + "-wal"} {
					raw, err := os.ReadFile(f)
					if err != nil {
						continue
					}
					for _, w := range needles {
						if w != "" && bytes.Contains(raw, []byte(w)) {
							t.Errorf("%s holds %.40q after erasure", filepath.Base(f), w)
						}
					}
				}
			}
			// Writing again starts as a new person.
			again := p.send("hi")
			if again.Contact.ID == open.ContactID {
				t.Fatal("the erased contact was found again")
			}
		})
	}
}
