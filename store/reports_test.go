package store_test

import (
	"errors"
	"testing"

	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

func mustCommission(t *testing.T, s *store.Store, c store.Commission) {
	t.Helper()
	if err := s.InTx(t.Context(), func(tx *store.Tx) error { return tx.UpsertCommission(t.Context(), c) }); err != nil {
		t.Fatalf("UpsertCommission: %v", err)
	}
}

func TestContractReportInsertAndRead(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		mustCommission(t, s, store.Commission{ID: "dc-ohr", Name: "DC Office of Human Rights", Jurisdiction: "dc", Active: true})
		c := mustContact(t, s, "sms", "+15550002")
		in := store.Report{
			Reference: "DC-7KQ2-9D", ContactID: c.ID, Channel: "sms", Lang: "es", Category: "housing",
			Narrative: injection + "\n<script>alert(1)</script>", IncidentDate: "2026-11-01", IncidentDateRaw: "1/11/2026",
			ZIP: "20001", Jurisdiction: "dc", RespondentType: "landlord", RespondentName: injection,
			ProtectedTrait: "source-of-income", ContactMethod: store.ContactOther, ContactPhone: "+12025550100",
			SafeTimes: "after 6pm", Consent: true, CommissionID: "dc-ohr", RouteRule: "dc/housing",
			RouteReason: "DC Human Rights Act", Referral: "", Deadline: "2027-11-01",
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.InsertReport(ctx, &in) }); err != nil {
			t.Fatalf("InsertReport: %v", err)
		}
		if in.ID == 0 || in.Status != store.ReportNew || in.CreatedAt.IsZero() {
			t.Fatalf("after insert: id %d status %q created %v", in.ID, in.Status, in.CreatedAt)
		}
		got, err := s.ReportByReference(ctx, "DC-7KQ2-9D")
		if err != nil {
			t.Fatalf("ReportByReference: %v", err)
		}
		if got != in {
			t.Fatalf("read back\n got %+v\nwant %+v", got, in)
		}
		byID, err := s.ReportByID(ctx, in.ID)
		if err != nil || byID != in {
			t.Fatalf("ReportByID = %+v, %v", byID, err)
		}
		list, err := s.ReportsByContact(ctx, c.ID, 10)
		if err != nil || len(list) != 1 || list[0] != in {
			t.Fatalf("ReportsByContact = %+v, %v", list, err)
		}
		if _, err := s.ReportByReference(ctx, "DC-0000-00"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown reference: err = %v, want ErrNotFound", err)
		}
	})
}

func TestContractReportNullsAndDefaultQueue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := mustContact(t, s, "web", "session-1")
		in := store.Report{Reference: "US-ABCD-EF", ContactID: c.ID, Channel: "web", Lang: "en", Category: "other", ContactMethod: store.ContactNone}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.InsertReport(ctx, &in) }); err != nil {
			t.Fatalf("InsertReport: %v", err)
		}
		for _, col := range []string{"incident_date", "commission_id", "deadline", "assigned_to"} {
			if n := count(t, s, "reports", col+" IS NULL AND id = $1", in.ID); n != 1 {
				t.Errorf("%s should be NULL for an empty value", col)
			}
		}
		got, err := s.ReportByReference(ctx, "US-ABCD-EF")
		if err != nil || got.CommissionID != "" || got.Deadline != "" || got.IncidentDate != "" || got.Consent {
			t.Fatalf("read back %+v, %v", got, err)
		}
	})
}

func TestContractReportDuplicateReferenceKeepsTxUsable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := mustContact(t, s, "sms", "+15550003")
		first := store.Report{Reference: "PGH-2222-22", ContactID: c.ID, Channel: "sms", Lang: "en", Category: "employment", ContactMethod: store.ContactThis}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.InsertReport(ctx, &first) }); err != nil {
			t.Fatalf("InsertReport: %v", err)
		}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			again := first
			again.ID = 0
			if err := tx.InsertReport(ctx, &again); !errors.Is(err, store.ErrDuplicate) {
				t.Errorf("same reference: err = %v, want ErrDuplicate", err)
			}
			again.Reference = "PGH-3333-33"
			return tx.InsertReport(ctx, &again)
		})
		if err != nil {
			t.Fatalf("insert after a duplicate in the same transaction: %v", err)
		}
		if n := count(t, s, "reports", ""); n != 2 {
			t.Fatalf("reports = %d, want 2", n)
		}
	})
}

func TestContractReportRollsBackWithTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := mustContact(t, s, "sms", "+15550004")
		boom := errors.New("boom")
		err := s.InTx(ctx, func(tx *store.Tx) error {
			r := store.Report{Reference: "HI-4444-44", ContactID: c.ID, Channel: "sms", Lang: "en", Category: "housing", ContactMethod: store.ContactThis}
			if err := tx.InsertReport(ctx, &r); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v", err)
		}
		if _, err := s.ReportByReference(ctx, "HI-4444-44"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("rolled-back report is visible: %v", err)
		}
	})
}

func TestContractCommissionUpsertIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Parallel()
		ctx := t.Context()
		c := store.Commission{ID: "hcrc", Name: "Hawaii Civil Rights Commission", Jurisdiction: "hi", Contact: "(808) 586-8636", Languages: "en", DeadlinesJSON: `[{"days":180}]`, Active: true}
		mustCommission(t, s, c)
		first, err := s.CommissionByID(ctx, "hcrc")
		if err != nil {
			t.Fatalf("CommissionByID: %v", err)
		}
		if _, err := s.DB().ExecContext(ctx, "UPDATE commissions SET active = $1 WHERE id = 'hcrc'", false); err != nil {
			t.Fatal(err)
		}
		c.Name = "Hawaiʻi Civil Rights Commission"
		mustCommission(t, s, c)
		got, err := s.CommissionByID(ctx, "hcrc")
		if err != nil {
			t.Fatalf("CommissionByID: %v", err)
		}
		if got.Name != c.Name || got.Active || !got.CreatedAt.Equal(first.CreatedAt) || got.DeadlinesJSON != c.DeadlinesJSON {
			t.Fatalf("after re-seed: %+v (first %+v)", got, first)
		}
		all, err := s.Commissions(ctx)
		if err != nil || len(all) != 1 {
			t.Fatalf("Commissions = %v, %v", all, err)
		}
		if _, err := s.CommissionByID(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown commission: %v", err)
		}
	})
}
