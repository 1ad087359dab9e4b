package intake_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// withInterceptors gives the rig's runtime the interceptors cmd/rightsline
// wires (DELETE, DISCREET, STATUS).
func withInterceptors(r *rig) *rig {
	r.rt.Interceptors = intake.Extension(r.st, intake.Config{Catalog: r.cat}).Interceptors
	return r
}

// startsSensitive returns the sensitive word (of any language) text starts
// with, or "".
func startsSensitive(cat *locales.Catalog, text string) string {
	f := locales.Fold(strings.TrimSpace(text))
	for _, l := range locales.All {
		for _, w := range cat.Keywords(l, intake.KwSensitive) {
			if w != "" && strings.HasPrefix(f, w) {
				return w
			}
		}
	}
	return ""
}

// TestDiscreetWordInEveryLanguage: the discreet word of each language turns
// discreet mode on, answers in that language, and is recorded in the
// consent ledger with the exact text shown.
func TestDiscreetWordInEveryLanguage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := withInterceptors(newRig(t, st))
		ctx := t.Context()
		for i, l := range locales.All {
			words := r.cat.Keywords(l, "kw.privacy.discreet")
			if len(words) == 0 {
				t.Fatalf("%s has no discreet word", l)
			}
			phone := fmt.Sprintf("+1202555%04d", 300+i)
			r.must("sms", phone, l, "hi")
			out := r.must("sms", phone, l, strings.ToUpper(words[0])+"!")
			want, _ := r.cat.Text(l, intake.MsgDiscreetOn, nil)
			if !out.Intercepted || len(out.Replies) != 1 || out.Replies[0].ID != intake.MsgDiscreetOn || out.Replies[0].Text != want {
				t.Fatalf("%s %q answered %+v", l, words[0], out.Replies)
			}
			if w := startsSensitive(r.cat, want); w != "" {
				t.Errorf("%s discreet confirmation starts with %q", l, w)
			}
			var on bool
			if err := st.InTx(ctx, func(tx *store.Tx) (err error) { on, err = tx.ContactDiscreet(ctx, out.Contact.ID); return }); err != nil || !on {
				t.Fatalf("%s: discreet flag %v, %v", l, on, err)
			}
			ledger, err := st.ContactConsents(ctx, out.Contact.ID)
			if err != nil || len(ledger) != 1 {
				t.Fatalf("%s: ledger %+v %v", l, ledger, err)
			}
			c := ledger[0]
			if c.Kind != store.ConsentDiscreet || !c.Granted || c.Channel != "sms" || c.TextID != intake.MsgDiscreetOn || c.TextVersion != store.TextVersion(want) {
				t.Fatalf("%s: ledger entry %+v", l, c)
			}
		}
		// Not in discreet mode: a plain contact stays off.
		out := r.must("sms", "+12025550399", locales.English, "hi")
		var on bool
		if err := st.InTx(ctx, func(tx *store.Tx) (err error) { on, err = tx.ContactDiscreet(ctx, out.Contact.ID); return }); err != nil || on {
			t.Fatalf("a new contact is discreet: %v %v", on, err)
		}
	})
}

// TestDiscreetUpdatesAreNeutral: once discreet, every staff update is sent
// as the neutral notice in the report's language, in each of the 8
// languages, and none starts with a sensitive word; STATUS then shows the
// real text, once.
func TestDiscreetUpdatesAreNeutral(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := withInterceptors(newRig(t, st))
		ctx := t.Context()
		const phone = "+12025550188"
		r.must("sms", phone, locales.English, fileDC...)
		r.must("sms", phone, locales.English, "1")
		rep, err := st.ReportByReference(ctx, fixedRef)
		if err != nil {
			t.Fatal(err)
		}
		// Before discreet mode, the update is the real text.
		if err := st.InTx(ctx, func(tx *store.Tx) error { return r.svc.NotifyResident(ctx, tx, rep, intake.UpdateAccepted) }); err != nil {
			t.Fatal(err)
		}
		real, _ := r.svc.RenderUpdate(rep, locales.English, intake.UpdateAccepted)
		if q, _ := st.OutboundByContact(ctx, rep.ContactID); len(q) != 1 || q[0].Body != real {
			t.Fatalf("before discreet mode: %+v", q)
		}
		if out := r.must("sms", phone, locales.English, "discreet"); len(out.Replies) != 1 || out.Replies[0].ID != intake.MsgDiscreetOn {
			t.Fatalf("discreet answered %+v", out.Replies)
		}
		for _, l := range locales.All {
			rep.Lang = string(l)
			for _, tmpl := range intake.UpdateTemplates {
				if err := st.InTx(ctx, func(tx *store.Tx) error { return r.svc.NotifyResident(ctx, tx, rep, tmpl) }); err != nil {
					t.Fatalf("%s %s: %v", l, tmpl, err)
				}
				q, err := st.OutboundByContact(ctx, rep.ContactID)
				if err != nil {
					t.Fatal(err)
				}
				body := q[len(q)-1].Body
				notice, _ := r.cat.Text(l, intake.MsgDiscreetNotice, nil)
				realText, _ := r.svc.RenderUpdate(rep, l, tmpl)
				if body != notice || strings.Contains(body, fixedRef) {
					t.Fatalf("%s %s: sent %q, want the neutral %q", l, tmpl, body, notice)
				}
				if w := startsSensitive(r.cat, body); w != "" {
					t.Errorf("%s %s: discreet text starts with %q", l, tmpl, w)
				}
				// STATUS (English works in every language) shows the real text.
				out := r.must("sms", phone, locales.English, "STATUS")
				if len(out.Replies) != 1 || !strings.Contains(out.Replies[0].Text, realText) || !strings.Contains(out.Replies[0].Text, fixedRef) {
					t.Fatalf("%s %s: STATUS answered %+v, want %q", l, tmpl, out.Replies, realText)
				}
				// Shown once: the next STATUS has only the status line.
				if again := r.must("sms", phone, locales.English, "STATUS"); strings.Contains(again.Replies[0].Text, realText) {
					t.Fatalf("%s %s: the held text was shown twice", l, tmpl)
				}
			}
		}
	})
}

// TestNormalWordTurnsDiscreetOff: in every language, the normal word turns
// discreet mode off again (answered in that language, recorded in the
// consent ledger as withdrawn with the text shown), after which staff
// updates carry their real text; said by someone not in discreet mode it
// is not intercepted (it may be an ordinary answer).
func TestNormalWordTurnsDiscreetOff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := withInterceptors(newRig(t, st))
		ctx := t.Context()
		for i, l := range locales.All {
			words := r.cat.Keywords(l, "kw.privacy.normal")
			if len(words) == 0 {
				t.Fatalf("%s has no normal word", l)
			}
			phone := fmt.Sprintf("+1202555%04d", 500+i)
			r.must("sms", phone, l, "hi")
			if out := r.must("sms", phone, l, words[0]); out.Intercepted {
				t.Fatalf("%s %q intercepted while discreet mode is off: %+v", l, words[0], out.Replies)
			}
			r.must("sms", phone, l, r.cat.Keywords(l, "kw.privacy.discreet")[0])
			out := r.must("sms", phone, l, strings.ToUpper(words[0]))
			want, _ := r.cat.Text(l, intake.MsgDiscreetOff, nil)
			if !out.Intercepted || len(out.Replies) != 1 || out.Replies[0].ID != intake.MsgDiscreetOff || out.Replies[0].Text != want {
				t.Fatalf("%s %q answered %+v", l, words[0], out.Replies)
			}
			var on bool
			if err := st.InTx(ctx, func(tx *store.Tx) (err error) { on, err = tx.ContactDiscreet(ctx, out.Contact.ID); return }); err != nil || on {
				t.Fatalf("%s: still discreet after %q: %v", l, words[0], err)
			}
			ledger, err := st.ContactConsents(ctx, out.Contact.ID)
			if err != nil || len(ledger) != 2 {
				t.Fatalf("%s: ledger %+v %v", l, ledger, err)
			}
			var off store.Consent
			for _, c := range ledger {
				if c.TextID == intake.MsgDiscreetOff {
					off = c
				}
			}
			if off.Kind != store.ConsentDiscreet || off.Granted || off.Channel != "sms" || off.TextLang != string(l) || off.TextVersion != store.TextVersion(want) {
				t.Fatalf("%s: ledger entry for turning it off %+v (all: %+v)", l, off, ledger)
			}
			// The confirmation of discreet mode says how to leave it.
			onText, _ := r.cat.Text(l, intake.MsgDiscreetOn, nil)
			if !strings.Contains(locales.Fold(onText), words[0]) {
				t.Errorf("%s: %s does not name %q", l, intake.MsgDiscreetOn, words[0])
			}
		}

		// Off again: a staff update carries its real text.
		const phone = "+12025550177"
		r.must("sms", phone, locales.English, fileDC...)
		r.must("sms", phone, locales.English, "1")
		rep, err := st.ReportByReference(ctx, fixedRef)
		if err != nil {
			t.Fatal(err)
		}
		r.must("sms", phone, locales.English, "discreet")
		r.must("sms", phone, locales.English, "normal")
		if err := st.InTx(ctx, func(tx *store.Tx) error { return r.svc.NotifyResident(ctx, tx, rep, intake.UpdateAccepted) }); err != nil {
			t.Fatal(err)
		}
		real, _ := r.svc.RenderUpdate(rep, locales.English, intake.UpdateAccepted)
		if q, _ := st.OutboundByContact(ctx, rep.ContactID); len(q) != 1 || q[0].Body != real {
			t.Fatalf("after NORMAL the update should be its real text: %+v", q)
		}
	})
}
