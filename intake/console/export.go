package console

import (
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rightsline/rightsline/store"
)

// csvHeader names the export's columns.
var csvHeader = []string{
	"reference", "status", "category", "language", "channel", "filed_at",
	"incident_date", "incident_date_as_written", "zip", "jurisdiction",
	"respondent_type", "respondent_name", "protected_trait", "narrative",
	"contact_method", "contact_phone", "safe_times", "consent",
	"commission", "route_rule", "route_reason", "referral", "deadline",
	"close_reason", "assigned_to", "updated_at", "transcript", "consents",
}

// csvSafe defuses a cell a spreadsheet would run as a formula: one that
// begins with = + - @ (or a tab or carriage return, which some
// spreadsheets skip before looking) gets a leading apostrophe.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvRecord is the export row of one report; transcript is its own
// intake conversation ([store.Store.ReportTranscript]).
func csvRecord(r store.Report, assignee string, transcript []store.Message, consents []store.Consent) []string {
	rec := []string{
		r.Reference, r.Status, r.Category, r.Lang, r.Channel, r.CreatedAt.UTC().Format(time.RFC3339),
		r.IncidentDate, r.IncidentDateRaw, r.ZIP, r.Jurisdiction,
		r.RespondentType, r.RespondentName, r.ProtectedTrait, r.Narrative,
		r.ContactMethod, r.ContactPhone, r.SafeTimes, strconv.FormatBool(r.Consent),
		r.CommissionID, r.RouteRule, r.RouteReason, r.Referral, r.Deadline,
		r.CloseReason, assignee, r.UpdatedAt.UTC().Format(time.RFC3339), transcriptText(transcript), consentText(consents),
	}
	for i, v := range rec {
		rec[i] = csvSafe(v)
	}
	return rec
}

// export downloads every report the member may see (narrowed by the
// admin's commission filter) as CSV. Each exported report gets its own
// audit entry, committed before the first byte is sent.
func (c *Console) export(w http.ResponseWriter, r *http.Request, s *session) error {
	ctx := r.Context()
	scope, err := requestedScope(s.Staff, r.URL.Query().Get("commission"))
	if err != nil {
		return err
	}
	names, err := c.staffEmails(r)
	if err != nil {
		return err
	}
	var maxID int64
	err = c.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		maxID, err = tx.AuditExport(ctx, s.Staff.ID, scope, "csv export", c.clientIP(r))
		return err
	})
	if err != nil {
		return err
	}
	name := "rightsline-reports-" + c.now().Format("2006-01-02") + ".csv"
	cw := csvStart(w, r, name)
	if err := cw.Write(csvHeader); err != nil {
		return nil // the client went away; nothing to answer
	}
	// The reports are read first and their transcripts after, so that no
	// two queries are open at once (a one-connection database would wait
	// on itself).
	var reps []store.Report
	err = c.store.ExportReports(ctx, scope, maxID, func(rep store.Report) error {
		reps = append(reps, rep)
		return nil
	})
	for i := 0; err == nil && i < len(reps); i++ {
		var msgs []store.Message
		var cons []store.Consent
		if msgs, err = c.store.ReportTranscript(ctx, reps[i]); err == nil {
			if cons, err = c.store.ReportConsents(ctx, reps[i]); err == nil {
				err = cw.Write(csvRecord(reps[i], names[reps[i].AssignedTo], msgs, cons))
			}
		}
	}
	cw.Flush()
	if err != nil {
		// Headers are sent; the truncated file is the only signal left.
		c.log.Error("console: export interrupted", "err", err)
	}
	return nil
}

// exportReport downloads one report as CSV.
func (c *Console) exportReport(w http.ResponseWriter, r *http.Request, s *session) error {
	rep, err := c.readReport(r, s, "report.export", "csv")
	if err != nil {
		return err
	}
	msgs, err := c.store.ReportTranscript(r.Context(), rep)
	if err != nil {
		return err
	}
	cons, err := c.store.ReportConsents(r.Context(), rep)
	if err != nil {
		return err
	}
	names, err := c.staffEmails(r)
	if err != nil {
		return err
	}
	cw := csvStart(w, r, safeFileName(rep.Reference)+".csv")
	_ = cw.Write(csvHeader)
	_ = cw.Write(csvRecord(rep, names[rep.AssignedTo], msgs, cons))
	cw.Flush()
	return nil
}

// utf8BOM starts a CSV meant for a spreadsheet: Excel reads a file
// without it in the computer's legacy code page and garbles Korean,
// Chinese, Amharic and accented narratives.
const utf8BOM = "\ufeff"

// csvStart sends the headers of a CSV download named name and returns its
// writer; with ?bom=1 (the "for Excel" links) the file starts with a
// UTF-8 byte order mark and ends lines with CRLF, as Excel expects.
func csvStart(w http.ResponseWriter, r *http.Request, name string) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	cw := csv.NewWriter(w)
	if r.URL.Query().Get("bom") == "1" {
		_, _ = io.WriteString(w, utf8BOM)
		cw.UseCRLF = true
	}
	return cw
}

// transcriptText is a report's intake conversation as one cell: a line
// per message, "resident" or "rightsline", the time and the text.
func transcriptText(msgs []store.Message) string {
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteByte('\n')
		}
		who := "rightsline"
		if m.Direction == store.DirectionIn {
			who = "resident"
		}
		b.WriteString(who + " " + m.CreatedAt.UTC().Format(time.RFC3339) + ": " + m.Body)
	}
	return b.String()
}

// consentText is a report's consent ledger as one cell, a line per entry.
func consentText(cs []store.Consent) string {
	lines := make([]string, len(cs))
	for i, c := range cs {
		verb := "declined"
		if c.Granted {
			verb = "agreed"
		}
		lines[i] = c.CreatedAt.UTC().Format(time.RFC3339) + " " + c.Kind + " " + verb + " on " + c.Channel +
			" (" + c.TextID + ", " + c.TextLang + ", " + c.TextVersion + ")"
	}
	return strings.Join(lines, "\n")
}

// staffEmails maps staff ids to emails, for the assigned_to column.
func (c *Console) staffEmails(r *http.Request) (map[int64]string, error) {
	all, err := c.store.ListStaff(r.Context())
	if err != nil {
		return nil, err
	}
	m := map[int64]string{}
	for _, st := range all {
		m[st.ID] = st.Email
	}
	return m, nil
}

// safeFileName keeps letters, digits and dashes, for a download's name.
func safeFileName(s string) string {
	out := strings.Map(func(r rune) rune {
		if r == '-' || (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') {
			return r
		}
		return -1
	}, s)
	if out == "" {
		return "report"
	}
	return out
}
