package intake_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// fixedRef is the reference fixedRand draws for DC.
const fixedRef = "DC-7MQ2-9D"

type rig struct {
	t   *testing.T
	st  *store.Store
	cat *locales.Catalog
	svc *intake.Service
	rt  *bot.Runtime
	n   int
	at  time.Time
}

func newRig(t *testing.T, st *store.Store) *rig {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := flows.New(cat, intake.EngineOptionsWith(intake.Config{Catalog: cat, Rand: fixedRand()}))
	if err != nil {
		t.Fatal(err)
	}
	if err := intake.SeedCommissions(t.Context(), st); err != nil {
		t.Fatalf("SeedCommissions: %v", err)
	}
	svc := intake.NewService(st, cat)
	return &rig{t: t, st: st, cat: cat, svc: svc, rt: &bot.Runtime{Store: st, Engine: eng, Events: svc, Log: slog.New(slog.DiscardHandler)}, at: now}
}

func (r *rig) send(channel, address string, lang locales.Lang, text string) (bot.Outcome, error) {
	r.n++
	r.at = r.at.Add(time.Minute)
	return r.rt.Handle(context.Background(), bot.Inbound{
		Channel: channel, Address: address, Text: text, Lang: lang,
		ExternalID: fmt.Sprintf("SM%08d", r.n), At: r.at,
	})
}

func (r *rig) must(channel, address string, lang locales.Lang, texts ...string) bot.Outcome {
	r.t.Helper()
	var out bot.Outcome
	for _, text := range texts {
		var err error
		if out, err = r.send(channel, address, lang, text); err != nil {
			r.t.Fatalf("message %q: %v", text, err)
		}
	}
	return out
}

// fileDC files a housing report from DC up to the summary; sending "1"
// then submits it.
var fileDC = []string{"hi", "4", "1", "He said no vouchers.", "done", "11/02/2026", "20001", "1", "skip", "17", "1", "skip", "1"}

func TestReportStoredInTheStepTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := newRig(t, st)
		narrative := `'); DROP TABLE reports;-- <script>alert("x")</script> $1 \ ?`
		steps := append([]string{}, fileDC...)
		steps[3] = narrative
		r.must("sms", "+12025550100", locales.English, steps...)
		out := r.must("sms", "+12025550100", locales.English, "1")
		var conf string
		for _, rep := range out.Replies {
			if rep.ID == "intake.confirmation" {
				conf = rep.Text
			}
		}
		if !strings.Contains(conf, fixedRef) || !strings.Contains(conf, "DC Office of Human Rights") || strings.Contains(conf, "DROP TABLE") {
			t.Fatalf("confirmation = %q", conf)
		}
		// Handle has returned: the report is committed.
		rep, err := st.ReportByReference(t.Context(), fixedRef)
		if err != nil {
			t.Fatalf("report not stored: %v", err)
		}
		want := store.Report{
			Reference: fixedRef, ContactID: out.Contact.ID, Channel: "sms", Lang: "en", Category: "housing",
			Narrative: narrative, IncidentDate: "2026-11-02", IncidentDateRaw: "2026-11-02", ZIP: "20001", Jurisdiction: "dc",
			RespondentType: "landlord", ProtectedTrait: "source-of-income", ContactMethod: "this", Consent: true,
			CommissionID: "dc-ohr", RouteRule: "dc/housing", Deadline: "2027-11-02", Status: "new",
		}
		if rep.FirstMessageID == 0 || rep.LastMessageID <= rep.FirstMessageID {
			t.Fatalf("intake range = %d..%d", rep.FirstMessageID, rep.LastMessageID)
		}
		rep.ID, rep.CreatedAt, rep.UpdatedAt, rep.RouteReason = 0, time.Time{}, time.Time{}, ""
		rep.FirstMessageID, rep.LastMessageID = 0, 0
		if rep != want {
			t.Fatalf("stored\n got %+v\nwant %+v", rep, want)
		}
	})
}

// failAfter wraps the intake service and fails after it stored the
// report, as a later write in the same step might.
type failAfter struct{ svc *intake.Service }

var errLater = errors.New("a later write failed")

func (f failAfter) HandleEvent(ctx context.Context, tx *store.Tx, c store.Contact, channel string, ev flows.Event) error {
	if err := f.svc.HandleEvent(ctx, tx, c, channel, ev); err != nil {
		return err
	}
	if ev.Type == flows.EventReportSubmitted {
		return errLater
	}
	return nil
}

func TestReportStoredWithoutSeeding(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, storetest.SQLite)
	r := newRig(t, st)
	if _, err := st.DB().ExecContext(t.Context(), "DELETE FROM commissions"); err != nil {
		t.Fatal(err)
	}
	r.must("sms", "+12025550106", locales.English, fileDC...)
	r.must("sms", "+12025550106", locales.English, "1")
	rep, err := st.ReportByReference(t.Context(), fixedRef)
	if err != nil || rep.CommissionID != "dc-ohr" {
		t.Fatalf("report = %+v, %v", rep, err)
	}
}

func TestReportRolledBackWithItsStep(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, storetest.SQLite)
	r := newRig(t, st)
	r.must("sms", "+12025550101", locales.English, fileDC...)
	r.rt.Events = failAfter{r.svc}
	if _, err := r.send("sms", "+12025550101", locales.English, "1"); !errors.Is(err, errLater) {
		t.Fatalf("Handle = %v, want the later failure", err)
	}
	if _, err := st.ReportByReference(t.Context(), fixedRef); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("report survived its rolled-back step: %v", err)
	}
	// Nothing was acknowledged; sending again files it.
	r.rt.Events = r.svc
	r.must("sms", "+12025550101", locales.English, "1")
	if _, err := st.ReportByReference(t.Context(), fixedRef); err != nil {
		t.Fatalf("retry did not file: %v", err)
	}
}

func TestReferenceCollisionIsRetryable(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, storetest.SQLite)
	r := newRig(t, st)
	other := r.must("web", "someone-else", locales.English, "hi").Contact
	if err := st.InTx(t.Context(), func(tx *store.Tx) error {
		return tx.InsertReport(t.Context(), &store.Report{Reference: fixedRef, ContactID: other.ID, Channel: "web", Lang: "en", Category: "other", ContactMethod: "none"})
	}); err != nil {
		t.Fatal(err)
	}
	r.must("sms", "+12025550102", locales.English, fileDC...)
	_, err := r.send("sms", "+12025550102", locales.English, "1")
	if !errors.Is(err, intake.ErrReferenceTaken) || !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("Handle = %v, want ErrReferenceTaken", err)
	}
	rs, err := st.ReportsByContact(t.Context(), other.ID+1, 5)
	if err != nil || len(rs) != 0 {
		t.Fatalf("a report was stored despite the collision: %v %v", rs, err)
	}
}

func TestStatusOwnAndOthers(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, storetest.SQLite)
	r := newRig(t, st)
	owner := r.must("sms", "+12025550103", locales.Spanish, fileDC...).Contact
	r.must("sms", "+12025550103", locales.Spanish, "1")
	stranger := r.must("sms", "+12025550104", locales.English, "hi").Contact
	ctx := t.Context()

	reply, handled, err := r.svc.StatusReply(ctx, owner, locales.Spanish, "estado "+strings.ToLower(fixedRef))
	if err != nil || !handled || !strings.Contains(reply, fixedRef) || !strings.Contains(reply, "esperando") {
		t.Fatalf("own report: %q %v %v", reply, handled, err)
	}
	// English STATUS works in every language, in any case, without dashes.
	reply, handled, err = r.svc.StatusReply(ctx, owner, locales.Spanish, "STATUS dc7mq29d")
	if err != nil || !handled || !strings.Contains(reply, fixedRef) {
		t.Fatalf("own report, English word: %q %v %v", reply, handled, err)
	}
	notFound, _ := r.cat.Text(locales.English, "intake.status.not_found", nil)
	for _, text := range []string{"STATUS " + fixedRef, "status DC-2222-22"} {
		reply, handled, err = r.svc.StatusReply(ctx, stranger, locales.English, text)
		if err != nil || !handled || reply != notFound {
			t.Fatalf("%q from a stranger: %q %v %v", text, reply, handled, err)
		}
	}
	reply, handled, _ = r.svc.StatusReply(ctx, owner, locales.Spanish, "estado")
	if !handled || !strings.Contains(reply, fixedRef) {
		t.Fatalf("bare STATUS lists own reports: %q", reply)
	}
	reply, handled, _ = r.svc.StatusReply(ctx, stranger, locales.English, "status")
	if none, _ := r.cat.Text(locales.English, "intake.status.none", nil); !handled || reply != none {
		t.Fatalf("bare STATUS without reports: %q", reply)
	}
	for _, text := range []string{"status of my apartment is bad", "hello", "4", ""} {
		if _, handled, _ := r.svc.StatusReply(ctx, owner, locales.English, text); handled {
			t.Errorf("%q was taken as STATUS", text)
		}
	}
	if _, err := st.DB().ExecContext(ctx, "UPDATE reports SET status = 'in_review' WHERE reference = $1", fixedRef); err != nil {
		t.Fatal(err)
	}
	reply, _, _ = r.svc.StatusReply(ctx, owner, locales.ChineseSimplified, "状态"+fixedRef)
	if !strings.Contains(reply, "正在审阅") {
		t.Fatalf("Chinese STATUS after review began: %q", reply)
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		reply, handled, err = r.svc.StatusReplyTx(ctx, tx, owner, locales.Korean, "상태 "+fixedRef)
		return err
	}); err != nil || !handled || !strings.Contains(reply, "검토 중") {
		t.Fatalf("StatusReplyTx: %q %v %v", reply, handled, err)
	}
	var v bot.Verdict
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		v, err = r.svc.Intercept(ctx, &bot.Turn{Tx: tx, Contact: stranger, Lang: locales.French, In: bot.Inbound{Text: "statut " + fixedRef}})
		return err
	}); err != nil || !v.Handled || len(v.Replies) != 1 || v.Replies[0].ID != intake.StatusReplyID || strings.Contains(v.Replies[0].Text, fixedRef[3:]) {
		t.Fatalf("Intercept for a stranger: %+v %v", v, err)
	}
}

func TestNotifyResident(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := newRig(t, st)
		ctx := t.Context()
		r.must("sms", "+12025550105", locales.Vietnamese, fileDC...)
		r.must("sms", "+12025550105", locales.Vietnamese, "1")
		rep, err := st.ReportByReference(ctx, fixedRef)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return r.svc.NotifyResident(ctx, tx, rep, intake.UpdateAccepted) }); err != nil {
			t.Fatalf("NotifyResident: %v", err)
		}
		queued, err := st.OutboundByContact(ctx, rep.ContactID)
		if err != nil || len(queued) != 1 {
			t.Fatalf("outbox: %d rows, %v", len(queued), err)
		}
		channel, address, body := queued[0].Channel, queued[0].Address, queued[0].Body
		if channel != "sms" || address != "+12025550105" || !strings.Contains(body, fixedRef) || !strings.Contains(body, "đã chấp nhận") || strings.Contains(body, "vouchers") {
			t.Fatalf("queued %s %s %q", channel, address, body)
		}
		if preview, err := r.svc.RenderUpdate(rep, "", intake.UpdateAccepted); err != nil || preview != body {
			t.Fatalf("RenderUpdate = %q, %v; queued %q", preview, err, body)
		}
		if preview, err := r.svc.RenderUpdate(rep, locales.English, intake.UpdateAccepted); err != nil || !strings.Contains(preview, "DC Office of Human Rights (OHR) accepted") {
			t.Fatalf("English preview = %q, %v", preview, err)
		}
		err = st.InTx(ctx, func(tx *store.Tx) error { return r.svc.NotifyResident(ctx, tx, rep, "update.bogus") })
		if !errors.Is(err, intake.ErrUnknownTemplate) {
			t.Fatalf("unknown template: %v", err)
		}
		rep.ContactMethod = store.ContactNone
		err = st.InTx(ctx, func(tx *store.Tx) error { return r.svc.NotifyResident(ctx, tx, rep, intake.UpdateGeneral) })
		if !errors.Is(err, intake.ErrNoContact) {
			t.Fatalf("no-contact report: %v", err)
		}
		rep.ContactMethod, rep.ContactPhone = store.ContactOther, "+12025550199"
		if err := st.InTx(ctx, func(tx *store.Tx) error { return r.svc.NotifyResident(ctx, tx, rep, intake.UpdateGeneral) }); err != nil {
			t.Fatalf("other number: %v", err)
		}
		// The update goes to the other number, as its own contact.
		n := 0
		oc, qerr := st.ContactByAddress(ctx, "sms", "+12025550199")
		if qerr == nil {
			var toOther []store.Outbound
			toOther, qerr = st.OutboundByContact(ctx, oc.ID)
			for _, m := range toOther {
				if m.Address == "+12025550199" && m.Channel == "sms" {
					n++
				}
			}
		}
		if qerr != nil || n != 1 {
			t.Fatalf("update to the other number: %d %v", n, qerr)
		}
		for _, id := range intake.UpdateTemplates {
			for _, l := range locales.All {
				if _, err := r.cat.Text(l, id, map[string]string{"ref": fixedRef, "commission": "X"}); err != nil {
					t.Errorf("%s in %s: %v", id, l, err)
				}
			}
		}
	})
}

func TestSeedCommissionsIdempotent(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, storetest.SQLite)
	for range 2 {
		if err := intake.SeedCommissions(t.Context(), st); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := st.Commissions(t.Context())
	if err != nil || len(cs) != len(intake.DefaultRouting().Commissions) {
		t.Fatalf("commissions = %d, %v", len(cs), err)
	}
	dc, err := st.CommissionByID(t.Context(), "dc-ohr")
	if err != nil || dc.DeadlinesJSON != `[{"id":"dc-ohr-1y","years":1,"rule":"DC OHR: 1 year (D.C. Code 2-1403.04)"}]` || dc.Languages != "en,es,zh-Hans,zh-Hant,vi,ko,am,fr" {
		t.Fatalf("dc-ohr = %+v, %v", dc, err)
	}
}

// The service plugs into the runtime as its event handler and as a STATUS
// interceptor.
var (
	_ bot.EventHandler = (*intake.Service)(nil)
	_ bot.Interceptor  = (*intake.Service)(nil)
)

func TestStatusThroughTheRuntime(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := newRig(t, st)
		r.rt.Interceptors = []bot.Interceptor{r.svc}
		r.must("sms", "+12025550107", locales.French, fileDC...)
		r.must("sms", "+12025550107", locales.French, "1")
		out := r.must("sms", "+12025550107", locales.French, "STATUT "+fixedRef)
		if len(out.Replies) != 1 || out.Replies[0].ID != intake.StatusReplyID || !strings.Contains(out.Replies[0].Text, "en attente") {
			t.Fatalf("own STATUS: %+v", out.Replies)
		}
		other := r.must("discord", "user-42", locales.French, "bonjour")
		out = r.must("discord", "user-42", locales.French, "statut "+fixedRef)
		if len(out.Replies) != 1 || strings.Contains(out.Replies[0].Text, "en attente") {
			t.Fatalf("someone else's STATUS: %+v", out.Replies)
		}
		// The answer is stored as a reply, like the engine's.
		msgs, err := st.Transcript(t.Context(), other.Contact.ID, 0)
		n := 0
		for _, m := range msgs {
			if m.Direction == store.DirectionOut && strings.Contains(m.Body, "DC-7KQ2-9D") {
				n++
			}
		}
		if err != nil || n != 1 {
			t.Fatalf("stored not-found replies = %d, %v", n, err)
		}
	})
}
