package intake_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestPlannedUpdates: an update queued for a resident names the message
// it renders (id, language, variables) so a channel can send an approved
// template instead; a channel's planner notes how an update will go
// (SendNote) and refuses one that cannot go, queueing nothing; in
// discreet mode the template is the discreet notice. Both backends.
func TestPlannedUpdates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := newRig(t, st)
		ctx := t.Context()
		r.must("whatsapp", "+12025550177", locales.Korean, fileDC...)
		r.must("whatsapp", "+12025550177", locales.Korean, "1")
		rep, err := st.ReportByReference(ctx, fixedRef)
		if err != nil {
			t.Fatal(err)
		}
		var seen []store.OutboundTemplate
		r.svc.Planners = map[string]intake.SendPlanner{"whatsapp": func(ctx context.Context, tx *store.Tx, to store.Contact, tm store.OutboundTemplate) (string, error) {
			if to.Channel != "whatsapp" || to.Address != "+12025550177" {
				t.Errorf("planner asked about %s %s", to.Channel, to.Address)
			}
			seen = append(seen, tm)
			if tm.ID == intake.UpdateClosed {
				return "", &intake.UndeliverableError{Reason: "no template for the closed update"}
			}
			return "as template " + tm.ID, nil
		}}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return r.svc.NotifyResident(ctx, tx, rep, intake.UpdateAccepted) }); err != nil {
			t.Fatal(err)
		}
		queued, err := st.OutboundByContact(ctx, rep.ContactID)
		if err != nil || len(queued) != 1 {
			t.Fatalf("outbox: %v, %v", queued, err)
		}
		tm, err := st.OutboundTemplate(ctx, queued[0].ID)
		if err != nil || tm.ID != intake.UpdateAccepted || tm.Lang != string(locales.Korean) || tm.Vars["ref"] != fixedRef || !strings.Contains(queued[0].Body, tm.Vars["commission"]) {
			t.Fatalf("template %+v, %v; body %q", tm, err, queued[0].Body)
		}
		if len(seen) != 1 || seen[0].ID != intake.UpdateAccepted {
			t.Fatalf("planner saw %v", seen)
		}
		// Refused: nothing queued, the reason for staff.
		err = st.InTx(ctx, func(tx *store.Tx) error { return r.svc.NotifyResident(ctx, tx, rep, intake.UpdateClosed) })
		var ue *intake.UndeliverableError
		if !errors.As(err, &ue) || ue.Reason != "no template for the closed update" {
			t.Fatalf("refused update: %v", err)
		}
		if q, _ := st.OutboundByContact(ctx, rep.ContactID); len(q) != 1 {
			t.Fatalf("a refused update was queued: %d rows", len(q))
		}
		var note, refusal string
		_ = st.InTx(ctx, func(tx *store.Tx) error {
			note, refusal = r.svc.SendNote(ctx, tx, rep, intake.UpdateGeneral)
			return nil
		})
		if note != "as template "+intake.UpdateGeneral || refusal != "" {
			t.Fatalf("SendNote = %q, %q", note, refusal)
		}
		_ = st.InTx(ctx, func(tx *store.Tx) error {
			note, refusal = r.svc.SendNote(ctx, tx, rep, intake.UpdateClosed)
			return nil
		})
		if note != "" || refusal != "no template for the closed update" {
			t.Fatalf("SendNote (refused) = %q, %q", note, refusal)
		}
		// Discreet mode: the notice is what is sent, and its template.
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.SetContactDiscreet(ctx, rep.ContactID, true) }); err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return r.svc.NotifyResident(ctx, tx, rep, intake.UpdateGeneral) }); err != nil {
			t.Fatal(err)
		}
		q, _ := st.OutboundByContact(ctx, rep.ContactID)
		if tm, err := st.OutboundTemplate(ctx, q[len(q)-1].ID); err != nil || tm.ID != intake.MsgDiscreetNotice || len(tm.Vars) != 0 || strings.Contains(q[len(q)-1].Body, fixedRef) {
			t.Fatalf("discreet: template %+v, %v; body %q", tm, err, q[len(q)-1].Body)
		}
	})
}
