package intake_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

var sixDigits = regexp.MustCompile(`[0-9]{6}`)

// askCode sends the link word on (channel, address) and returns the code
// the reply carries.
func (r *rig) askCode(channel, address string, lang locales.Lang, word string) string {
	r.t.Helper()
	out := r.must(channel, address, lang, word)
	if len(out.Replies) != 1 || out.Replies[0].ID != intake.MsgLinkCode || !out.Intercepted {
		r.t.Fatalf("%s %q answered %+v", lang, word, out.Replies)
	}
	code := sixDigits.FindString(out.Replies[0].Text)
	if code == "" {
		r.t.Fatalf("%s: no code in %q", lang, out.Replies[0].Text)
	}
	return code
}

// storedBodies is every stored message text of the contact.
func storedBodies(t *testing.T, st *store.Store, contactID int64) string {
	t.Helper()
	ms, err := st.Transcript(t.Context(), contactID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Body + "\n")
	}
	return b.String()
}

// TestLinkWordsInEveryLanguage: in every language, the link word asks for
// a code (answered in that language), the word and code typed on another
// channel link the two (answered there naming only the kind of the first
// channel, and told on the first channel in its own language), and the
// code is stored nowhere in clear.
func TestLinkWordsInEveryLanguage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := withInterceptors(newRig(t, st))
		ctx := t.Context()
		for i, l := range locales.All {
			words := r.cat.Keywords(l, "kw.link.ask")
			if len(words) == 0 {
				t.Fatalf("%s has no link word", l)
			}
			phone := fmt.Sprintf("+1202555%04d", 500+i)
			user := fmt.Sprintf("5000000%02d", i)
			r.must("sms", phone, l, "hi")
			r.must("discord", user, l, "hi")
			code := r.askCode("sms", phone, l, strings.ToUpper(words[0]))
			out := r.must("discord", user, l, words[0]+" "+code)
			smsKind, _ := r.cat.Text(l, "link.kind.sms", nil)
			want, _ := r.cat.Text(l, intake.MsgLinkDone, map[string]string{"kind": smsKind})
			if len(out.Replies) != 1 || out.Replies[0].ID != intake.MsgLinkDone || out.Replies[0].Text != want {
				t.Fatalf("%s: code typed on discord answered %+v, want %q", l, out.Replies, want)
			}
			if strings.Contains(out.Replies[0].Text, phone) || strings.Contains(out.Replies[0].Text, phone[len(phone)-4:]) {
				t.Fatalf("%s: the reply names the other address", l)
			}
			sms, err := st.ContactByAddress(ctx, "sms", phone)
			if err != nil {
				t.Fatal(err)
			}
			q, err := st.OutboundByContact(ctx, sms.ID)
			if err != nil {
				t.Fatal(err)
			}
			dcKind, _ := r.cat.Text(l, "link.kind.discord", nil)
			told, _ := r.cat.Text(l, intake.MsgLinkDoneOther, map[string]string{"kind": dcKind})
			if len(q) != 1 || q[0].Body != told || q[0].Channel != "sms" {
				t.Fatalf("%s: the sms side was told %+v, want %q", l, q, told)
			}
			for _, c := range []store.Contact{sms, out.Contact} {
				if body := storedBodies(t, st, c.ID); strings.Contains(body, code) {
					t.Fatalf("%s: the code is stored in clear in %s's messages", l, c.Channel)
				}
			}
			// Every reply fits its word in that language.
			unlink := r.cat.Keywords(l, "kw.link.unlink")
			if len(unlink) == 0 {
				t.Fatalf("%s has no unlink word", l)
			}
			if out := r.must("sms", phone, l, strings.ToUpper(unlink[0])); len(out.Replies) != 1 || out.Replies[0].ID != intake.MsgUnlinkDone {
				t.Fatalf("%s: unlink answered %+v", l, out.Replies)
			}
			if out := r.must("sms", phone, l, unlink[0]); out.Replies[0].ID != intake.MsgUnlinkNone {
				t.Fatalf("%s: unlink twice answered %+v", l, out.Replies)
			}
		}
	})
}

// TestLinkedContactsShareLanguageReportsAndErasure: linked SMS and Discord
// contacts are one person: a LANGUAGE switch on one applies to the other,
// STATUS on Discord lists the report filed by SMS (and answers its
// reference), DELETE on Discord erases both; an unlinked third person sees
// nothing.
func TestLinkedContactsShareLanguageReportsAndErasure(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := withInterceptors(newRig(t, st))
		ctx := t.Context()
		const phone, user, stranger = "+12025550601", "600000001", "600000009"
		r.must("sms", phone, locales.English, fileDC...)
		r.must("sms", phone, locales.English, "1")
		rep, err := st.ReportByReference(ctx, fixedRef)
		if err != nil {
			t.Fatal(err)
		}
		r.must("discord", stranger, locales.English, "hi")
		if out := r.must("discord", stranger, locales.English, "STATUS "+fixedRef); out.Replies[0].ID != intake.StatusReplyID || strings.Contains(out.Replies[0].Text, "review") {
			t.Logf("stranger: %q", out.Replies[0].Text)
		}
		notFound, _ := r.cat.Text(locales.English, "intake.status.not_found", nil)
		if out := r.must("discord", stranger, locales.English, "STATUS "+fixedRef); out.Replies[0].Text != notFound {
			t.Fatalf("another person's STATUS: %q", out.Replies[0].Text)
		}
		r.must("discord", user, locales.English, "hi")
		none, _ := r.cat.Text(locales.English, "intake.status.none", nil)
		if out := r.must("discord", user, locales.English, "STATUS"); out.Replies[0].Text != none {
			t.Fatalf("before linking discord's STATUS: %q", out.Replies[0].Text)
		}
		code := r.askCode("sms", phone, locales.English, "LINK")
		if out := r.must("discord", user, locales.English, "link "+code); out.Replies[0].ID != intake.MsgLinkDone {
			t.Fatalf("link: %+v", out.Replies)
		}
		for _, text := range []string{"STATUS", "STATUS " + fixedRef} {
			out := r.must("discord", user, locales.English, text)
			if !strings.Contains(out.Replies[0].Text, fixedRef) || out.Replies[0].Text == notFound {
				t.Fatalf("%s on discord after linking: %q", text, out.Replies[0].Text)
			}
		}
		// The stranger still sees nothing.
		if out := r.must("discord", stranger, locales.English, "STATUS"); out.Replies[0].Text != none {
			t.Fatalf("stranger after the link: %q", out.Replies[0].Text)
		}
		// LANGUAGE on Discord (the menu, then Español) applies to SMS.
		r.must("discord", user, locales.English, "LANGUAGE")
		if out := r.must("discord", user, locales.English, "2"); out.Lang != locales.Spanish {
			t.Fatalf("language switch: %+v", out)
		}
		out := r.must("sms", phone, locales.English, "menu")
		if out.Lang != locales.Spanish {
			t.Fatalf("sms after a switch on discord answers in %s: %+v", out.Lang, out.Replies)
		}
		if c, _ := st.ContactByAddress(ctx, "sms", phone); c.Lang != string(locales.Spanish) {
			t.Fatalf("sms contact lang %q", c.Lang)
		}
		// DELETE on Discord, confirmed: both channels erased.
		r.must("discord", user, locales.Spanish, "DELETE")
		if out := r.must("discord", user, locales.Spanish, "YES"); out.Replies[0].ID != intake.MsgEraseDone {
			t.Fatalf("erase: %+v", out.Replies)
		}
		if _, err := st.ContactByAddress(ctx, "sms", phone); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the linked sms contact survived DELETE on discord: %v", err)
		}
		if got, _ := st.ReportByID(ctx, rep.ID); got.Status != store.ReportClosed || got.Narrative != "" {
			t.Fatalf("the sms report after DELETE on discord: %+v", got)
		}
		if c, err := st.ContactByAddress(ctx, "discord", stranger); err != nil || c.ID == 0 {
			t.Fatalf("the stranger was erased too: %v", err)
		}
	})
}

// TestLinkCodeRefusals: a wrong code, an expired one, a reused one, the
// code typed where it was asked for, and too many tries each get their
// answer and link nothing.
func TestLinkCodeRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := withInterceptors(newRig(t, st))
		ctx := t.Context()
		const a, b, c = "+12025550701", "700000001", "session-700"
		r.must("sms", a, locales.English, "hi")
		r.must("discord", b, locales.English, "hi")
		r.must("web", c, locales.English, "hi")
		reply := func(channel, addr, text string) string {
			t.Helper()
			out := r.must(channel, addr, locales.English, text)
			if len(out.Replies) != 1 || !out.Intercepted {
				t.Fatalf("%q answered %+v", text, out)
			}
			return out.Replies[0].ID
		}
		code := r.askCode("sms", a, locales.English, "link")
		if got := reply("sms", a, "LINK "+code); got != intake.MsgLinkOwn {
			t.Fatalf("own code: %s", got)
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		if got := reply("discord", b, "LINK "+wrong); got != intake.MsgLinkInvalid {
			t.Fatalf("wrong code: %s", got)
		}
		// The code expires after ten minutes.
		var skew atomic.Int64
		st.SetClock(func() time.Time { return time.Now().Add(time.Duration(skew.Load())) })
		skew.Store(int64(store.LinkCodeTTL + time.Second))
		if got := reply("discord", b, "LINK "+code); got != intake.MsgLinkInvalid {
			t.Fatalf("expired code: %s", got)
		}
		code = r.askCode("sms", a, locales.English, "link")
		if got := reply("discord", b, "link "+strings.Join([]string{code[:3], code[3:]}, " ")); got != intake.MsgLinkDone {
			t.Fatalf("code with a space: %s", got)
		}
		if got := reply("web", c, "LINK "+code); got != intake.MsgLinkInvalid {
			t.Fatalf("reused code: %s", got)
		}
		if got := reply("sms", a, "LINK "+r.askCode("discord", b, locales.English, "LINK")); got != intake.MsgLinkAlready {
			t.Fatalf("linked twice: %s", got)
		}
		// Too many tries on the web session: then even the right code is refused.
		code = r.askCode("sms", a, locales.English, "link")
		for i := 0; i < store.LinkAttemptsPerContact.Max-1; i++ {
			if got := reply("web", c, "LINK "+wrong); got != intake.MsgLinkInvalid {
				t.Fatalf("try %d: %s", i, got)
			}
		}
		if got := reply("web", c, "LINK "+code); got != intake.MsgLinkTooMany {
			t.Fatalf("after %d tries: %s", store.LinkAttemptsPerContact.Max, got)
		}
		web, _ := st.ContactByAddress(ctx, "web", c)
		if cs, _ := st.PersonContacts(ctx, web.ID); len(cs) != 1 {
			t.Fatalf("linked despite the limit: %d contacts", len(cs))
		}
		// A narrative that starts with the word is not swallowed.
		if out := r.must("web", c, locales.English, "link to my landlord's letter"); out.Intercepted {
			t.Fatalf("free text intercepted: %+v", out.Replies)
		}
	})
}

// TestUnlinkStopsSharing: after UNLINK each side keeps its own reports
// and language; a switch on one no longer reaches the other, STATUS no
// longer lists the other's report, and both sides were told (the kind of
// channel only).
func TestUnlinkStopsSharing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := withInterceptors(newRig(t, st))
		ctx := t.Context()
		const phone, user = "+12025550801", "800000001"
		r.must("sms", phone, locales.English, fileDC...)
		r.must("sms", phone, locales.English, "1")
		r.must("discord", user, locales.English, "hi")
		r.must("discord", user, locales.English, "link "+r.askCode("sms", phone, locales.English, "LINK"))
		sms, _ := st.ContactByAddress(ctx, "sms", phone)
		out := r.must("discord", user, locales.English, "UNLINK")
		smsKind, _ := r.cat.Text(locales.English, "link.kind.sms", nil)
		want, _ := r.cat.Text(locales.English, intake.MsgUnlinkDone, map[string]string{"kinds": smsKind})
		if out.Replies[0].Text != want {
			t.Fatalf("unlink answered %q, want %q", out.Replies[0].Text, want)
		}
		q, _ := st.OutboundByContact(ctx, sms.ID)
		dcKind, _ := r.cat.Text(locales.English, "link.kind.discord", nil)
		told, _ := r.cat.Text(locales.English, intake.MsgUnlinkDoneOther, map[string]string{"kind": dcKind})
		if len(q) != 2 || q[1].Body != told {
			t.Fatalf("the sms side was told %+v", q)
		}
		none, _ := r.cat.Text(locales.English, "intake.status.none", nil)
		if out := r.must("discord", user, locales.English, "STATUS"); out.Replies[0].Text != none {
			t.Fatalf("discord's STATUS after unlinking: %q", out.Replies[0].Text)
		}
		if out := r.must("sms", phone, locales.English, "STATUS"); !strings.Contains(out.Replies[0].Text, fixedRef) {
			t.Fatalf("the report stays with sms: %q", out.Replies[0].Text)
		}
		r.must("discord", user, locales.English, "LANGUAGE")
		r.must("discord", user, locales.English, "2")
		if out := r.must("sms", phone, locales.English, "menu"); out.Lang != locales.English {
			t.Fatalf("a switch after unlinking reached sms: %s", out.Lang)
		}
		// Staff can see it in the report's history.
		rep, _ := st.ReportByReference(ctx, fixedRef)
		evs, _ := st.ReportEvents(ctx, rep.ID)
		var kinds []string
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
			if strings.Contains(e.Detail, phone) || strings.Contains(e.Detail, user) {
				t.Fatalf("a report event names an address: %q", e.Detail)
			}
		}
		if !strings.Contains(strings.Join(kinds, ","), "link,unlink") {
			t.Fatalf("report history %v has no link and unlink", kinds)
		}
	})
}

// TestLinkMessagesFitTheMenuBudget: what linking says in any state fits
// the budget of the engine's own messages, in every language (lint checks
// the same).
func TestLinkMessagesFitTheMenuBudget(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	if ps := cat.LintBudget(intake.LinkMessages, locales.BudgetMenu); len(ps) > 0 {
		t.Fatalf("over budget: %v", ps)
	}
	for _, k := range intake.LinkKinds {
		if !cat.Has("link.kind." + k) {
			t.Errorf("no link.kind.%s", k)
		}
	}
}
