package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// seedConsoleReports stores two commissions and reports with the given
// (commission, deadline, status) triples, in order, and returns their ids.
func seedConsoleReports(t *testing.T, s *store.Store, rows [][3]string) []int64 {
	t.Helper()
	ctx := t.Context()
	c := mustContact(t, s, "sms", "+15550100")
	var ids []int64
	err := s.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range []string{"dc-ohr", "pgh-chr"} {
			if err := tx.UpsertCommission(ctx, store.Commission{ID: id, Name: id, Active: true}); err != nil {
				return err
			}
		}
		for i, row := range rows {
			r := store.Report{Reference: fmt.Sprintf("T-%04d", i), ContactID: c.ID, Channel: "sms", Lang: "es",
				Category: "housing", Narrative: injection, ContactMethod: store.ContactThis, Consent: true,
				CommissionID: row[0], Deadline: row[1], Status: row[2]}
			if i%2 == 1 {
				r.Category, r.Lang = "employment", "vi"
			}
			if err := tx.InsertReport(ctx, &r); err != nil {
				return err
			}
			ids = append(ids, r.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed reports: %v", err)
	}
	return ids
}

func queueIDs(t *testing.T, s *store.Store, f store.QueueFilter) []int64 {
	t.Helper()
	items, err := s.ConsoleQueue(t.Context(), f)
	if err != nil {
		t.Fatalf("ConsoleQueue(%+v): %v", f, err)
	}
	out := []int64{}
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestContractConsoleQueue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ids := seedConsoleReports(t, s, [][3]string{
			{"dc-ohr", "", "new"},              // 0: no deadline: last
			{"dc-ohr", "2027-03-01", "new"},    // 1
			{"dc-ohr", "2027-01-15", "closed"}, // 2: closed, hidden from "open"
			{"pgh-chr", "2027-01-01", "new"},   // 3: other commission
			{"", "2027-02-01", "in_review"},    // 4: default queue
			{"dc-ohr", "2027-01-20", "accepted"},
			{"dc-ohr", "2027-01-20", "new"}, // 6: same deadline as 5, newer
		})
		eq := func(name string, got []int64, want ...int64) {
			t.Helper()
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s = %v, want %v", name, got, want)
			}
		}
		eq("dc open", queueIDs(t, s, store.QueueFilter{Scope: "dc-ohr"}), ids[5], ids[6], ids[1], ids[0])
		eq("dc all", queueIDs(t, s, store.QueueFilter{Scope: "dc-ohr", Status: "all"}), ids[2], ids[5], ids[6], ids[1], ids[0])
		eq("admin", queueIDs(t, s, store.QueueFilter{Scope: store.ScopeAll}), ids[3], ids[5], ids[6], ids[4], ids[1], ids[0])
		eq("default queue", queueIDs(t, s, store.QueueFilter{Scope: store.ScopeDefaultQueue}), ids[4])
		eq("status", queueIDs(t, s, store.QueueFilter{Scope: "dc-ohr", Status: "accepted"}), ids[5])
		eq("category", queueIDs(t, s, store.QueueFilter{Scope: "dc-ohr", Category: "employment"}), ids[5], ids[1])
		eq("lang", queueIDs(t, s, store.QueueFilter{Scope: "dc-ohr", Lang: "es"}), ids[6], ids[0])
		eq("deadline by", queueIDs(t, s, store.QueueFilter{Scope: "dc-ohr", DeadlineBy: "2027-02-01"}), ids[5], ids[6])
		eq("injection scope", queueIDs(t, s, store.QueueFilter{Scope: "' OR 1=1 --"}))

		// Keyset pages of 2 walk the whole list without repeats.
		var walked []int64
		f := store.QueueFilter{Scope: store.ScopeAll, Limit: 2}
		for range 10 {
			items, err := s.ConsoleQueue(t.Context(), f)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) == 0 {
				break
			}
			for _, it := range items {
				walked = append(walked, it.ID)
			}
			last := items[len(items)-1]
			f.AfterKey, f.AfterID = last.UrgencyKey(), last.ID
		}
		eq("pages", walked, ids[3], ids[5], ids[6], ids[4], ids[1], ids[0])
	})
}

func TestContractConsoleReportChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		ids := seedConsoleReports(t, s, [][3]string{{"dc-ohr", "2027-01-01", "new"}, {"pgh-chr", "", "new"}})
		st := mustStaff(t, s, "w@example.org", store.RoleStaff, "dc-ohr")
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetReportStatus(ctx, ids[0], "new", "in_review", ""); err != nil {
				return err
			}
			if err := tx.AssignReport(ctx, ids[0], st.ID); err != nil {
				return err
			}
			if err := tx.InsertReportNote(ctx, &store.ReportNote{ReportID: ids[0], StaffID: st.ID, Body: injection}); err != nil {
				return err
			}
			return tx.InsertReportEvent(ctx, &store.ReportEvent{ReportID: ids[0], StaffID: st.ID, Kind: store.EventStatus, FromStatus: "new", ToStatus: "in_review"})
		})
		if err != nil {
			t.Fatal(err)
		}
		r, _ := s.ReportByID(ctx, ids[0])
		if r.Status != "in_review" || r.AssignedTo != st.ID {
			t.Fatalf("report = %s assigned %d", r.Status, r.AssignedTo)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error { return tx.SetReportStatus(ctx, ids[0], "new", "accepted", "") })
		if !errors.Is(err, store.ErrStatusChanged) {
			t.Fatalf("stale status change: %v", err)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error { return tx.SetReportStatus(ctx, 999999, "new", "accepted", "") })
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing report: %v", err)
		}
		notes, err := s.ReportNotes(ctx, ids[0])
		if err != nil || len(notes) != 1 || notes[0].Body != injection || notes[0].StaffEmail != "w@example.org" {
			t.Fatalf("notes = %+v, %v", notes, err)
		}
		events, err := s.ReportEvents(ctx, ids[0])
		if err != nil || len(events) != 1 || events[0].ToStatus != "in_review" {
			t.Fatalf("events = %+v, %v", events, err)
		}

		var maxID int64
		err = s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			maxID, err = tx.AuditExport(ctx, st.ID, "dc-ohr", "csv", "192.0.2.9")
			return err
		})
		if err != nil || maxID != ids[1] {
			t.Fatalf("AuditExport = %d, %v", maxID, err)
		}
		if n := count(t, s, "audit_log", "action = 'report.export'"); n != 1 {
			t.Fatalf("export audit rows = %d, want 1", n)
		}
		var exported []string
		err = s.ExportReports(ctx, "dc-ohr", maxID, func(r store.Report) error {
			exported = append(exported, r.Reference)
			return nil
		})
		if err != nil || fmt.Sprint(exported) != "[T-0000]" {
			t.Fatalf("export = %v, %v", exported, err)
		}

		counts, err := s.DashboardCounts(ctx, store.ScopeAll, time.Now().Add(-24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		today := time.Now().UTC().Format("2006-01-02")
		for _, c := range counts {
			if c.Day != today {
				t.Errorf("day = %q, want %q", c.Day, today)
			}
			total += c.N
		}
		if total != 2 {
			t.Fatalf("dashboard total = %d (%+v)", total, counts)
		}
	})
}
