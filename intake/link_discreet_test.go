package intake_test

import (
	"strings"
	"testing"

	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestLinkSharesDiscreetMode: a resident in discreet mode on SMS links
// Discord: Discord is discreet too (recorded in its consent ledger with the
// text shown), the notice queued for the SMS side is the neutral one (the
// real text held for STATUS), a staff update about the SMS report is
// neutral, STATUS on Discord shows what was held, and NORMAL on Discord
// turns it off for both.
func TestLinkSharesDiscreetMode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := withInterceptors(newRig(t, st))
		ctx := t.Context()
		const phone, user = "+12025550901", "900000001"
		r.must("sms", phone, locales.English, fileDC...)
		r.must("sms", phone, locales.English, "1")
		if out := r.must("sms", phone, locales.English, "DISCREET"); out.Replies[0].ID != intake.MsgDiscreetOn {
			t.Fatalf("discreet: %+v", out.Replies)
		}
		r.must("discord", user, locales.English, "hi")
		code := r.askCode("sms", phone, locales.English, "LINK")
		out := r.must("discord", user, locales.English, "LINK "+code)
		if out.Replies[0].ID != intake.MsgLinkDone {
			t.Fatalf("link: %+v", out.Replies)
		}
		dc := out.Contact
		sms, _ := st.ContactByAddress(ctx, "sms", phone)
		cs, err := st.ContactConsents(ctx, dc.ID)
		if err != nil || len(cs) != 1 || cs[0].Kind != store.ConsentDiscreet || !cs[0].Granted || cs[0].TextID != intake.MsgLinkDone ||
			cs[0].TextVersion != store.TextVersion(out.Replies[0].Text) {
			t.Fatalf("discord's ledger after linking a discreet person: %+v %v", cs, err)
		}
		notice, _ := r.cat.Text(locales.English, intake.MsgDiscreetNotice, nil)
		q, _ := st.OutboundByContact(ctx, sms.ID)
		if len(q) != 1 || q[0].Body != notice {
			t.Fatalf("the discreet SMS side was sent %+v, want the neutral notice", q)
		}
		rep, err := st.ReportByReference(ctx, fixedRef)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return r.svc.NotifyResident(ctx, tx, rep, intake.UpdateAccepted) }); err != nil {
			t.Fatal(err)
		}
		if q, _ := st.OutboundByContact(ctx, sms.ID); len(q) != 2 || q[1].Body != notice {
			t.Fatalf("a staff update to the linked discreet person: %+v", q)
		}
		real, _ := r.svc.RenderUpdate(rep, locales.English, intake.UpdateAccepted)
		dcKind, _ := r.cat.Text(locales.English, "link.kind.discord", nil)
		told, _ := r.cat.Text(locales.English, intake.MsgLinkDoneOther, map[string]string{"kind": dcKind})
		status := r.must("discord", user, locales.English, "STATUS").Replies[0].Text
		if !strings.Contains(status, real) || !strings.Contains(status, told) || !strings.Contains(status, fixedRef) {
			t.Fatalf("STATUS on discord: %q", status)
		}
		if out := r.must("discord", user, locales.English, "NORMAL"); out.Replies[0].ID != intake.MsgDiscreetOff {
			t.Fatalf("normal: %+v", out.Replies)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			on, err := tx.ContactDiscreet(ctx, sms.ID)
			if on {
				t.Error("NORMAL on discord left the SMS side discreet")
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}
