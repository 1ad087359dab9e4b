package discord

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// reportAnswers are what the member types at each question of the intake
// flow, per language; choices take the first option unless keys says.
var reportAnswers = map[string]map[string]string{
	"en":      {"intake.what": "My landlord changed the locks while I was at work.", "*": "20001", "intake.when": "2026-11-15", "intake.who_name": "Acme Rentals", "intake.safe_times": "evenings"},
	"es":      {"intake.what": "Mi casero cambió la cerradura mientras yo trabajaba.", "*": "20001", "intake.when": "2026-11-15", "intake.who_name": "Acme Rentals", "intake.safe_times": "por la tarde"},
	"zh-Hant": {"intake.what": "我上班時房東換了門鎖。", "*": "20001", "intake.when": "2026-11-15", "intake.who_name": "Acme Rentals", "intake.safe_times": "晚上"},
	"vi":      {"intake.what": "Chủ nhà đã thay ổ khóa khi tôi đi làm.", "*": "20001", "intake.when": "2026-11-15", "intake.who_name": "Acme Rentals", "intake.safe_times": "buổi tối"},
}

// fileReport runs /report and answers every question until the flow
// leaves intake, and returns the transcript.
func fileReport(t *testing.T, h *harness, m member, lang string) *transcript {
	t.Helper()
	tr := &transcript{h: h, m: m}
	tr.command(cmdReport)
	for steps := 0; ; steps++ {
		st := tr.state()
		if !strings.HasPrefix(st, "intake.") || st == "intake.filed" { // filed: the menu's choices
			break
		}
		if steps == 30 {
			t.Fatalf("still in the intake flow after 30 steps, at %s", st)
		}
		tr.answerPrompt(st, nil, reportAnswers[lang])
	}
	return tr
}

func TestTranscriptReport(t *testing.T) {
	if _, ok := newHarness(t, storetest.SQLite).rt.Engine.State("intake.what"); !ok {
		t.Skip("the intake flow is not in this tree yet")
	}
	for _, l := range transcriptLangs {
		t.Run(l.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, storetest.SQLite)
			tr := fileReport(t, h, member{id: "770000000000000001", locale: l.locale, guild: "800000000000000004"}, l.name)
			tr.check(t, "report."+l.name)
		})
	}
}

// The "done when": a signed /report sequence in Spanish produces a
// routed report, visible to the commission's staff, and a Spanish
// ephemeral confirmation; nothing personal reaches the logs.
func TestSpanishReportIsRoutedAndConfirmed(t *testing.T) {
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			h := newHarness(t, backend)
			if _, ok := h.rt.Engine.State("intake.what"); !ok {
				t.Skip("the intake flow is not in this tree yet")
			}
			maria := member{id: "780000000000000001", locale: "es-ES", guild: "800000000000000005"}
			tr := fileReport(t, h, maria, "es")
			if tr.state() != "intake.filed" {
				t.Fatalf("after the report the member is at %q, want intake.filed (the menu's choices); logs:\n%s", tr.state(), h.logs.String())
			}

			var reportID int64
			if err := h.store.DB().QueryRowContext(t.Context(), "SELECT id FROM reports").Scan(&reportID); err != nil {
				t.Fatalf("no report stored: %v", err)
			}
			r, err := h.store.ReportByID(t.Context(), reportID)
			if err != nil {
				t.Fatal(err)
			}
			if r.Channel != Channel || r.Lang != "es" || r.Category != "housing" || r.Jurisdiction != "dc" {
				t.Errorf("report %+v: want channel discord, lang es, category housing, jurisdiction dc", r)
			}
			if r.CommissionID == "" || r.RouteRule == "" {
				t.Errorf("report not routed to a commission: commission %q, rule %q", r.CommissionID, r.RouteRule)
			}
			if !strings.Contains(r.Narrative, "cerradura") {
				t.Errorf("narrative %q lost", r.Narrative)
			}
			// The commission's staff see it in their console queue; the
			// staff of another commission do not.
			queue, err := h.store.ConsoleQueue(t.Context(), store.QueueFilter{Scope: r.CommissionID, Status: "open", Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			if len(queue) != 1 || queue[0].Reference != r.Reference || queue[0].Channel != Channel || queue[0].Lang != "es" {
				t.Errorf("console queue of %s: %+v, want the Spanish Discord report %s", r.CommissionID, queue, r.Reference)
			}
			others, err := h.store.ConsoleQueue(t.Context(), store.QueueFilter{Scope: "pghchr", Status: "all", Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			if len(others) != 0 {
				t.Errorf("another commission's queue shows %+v", others)
			}
			contact, err := h.store.ContactByID(t.Context(), r.ContactID)
			if err != nil || contact.Channel != Channel || contact.Address != maria.id {
				t.Errorf("report's contact %+v (%v), want the member's Discord id", contact, err)
			}

			// The last answer is the Spanish confirmation with the
			// reference, ephemeral, and it does not repeat the narrative.
			last := tr.last.Content
			want, err := h.cat.Text("es", "intake.confirmation", map[string]string{"ref": r.Reference, "commission_name": "X", "next_steps": "Y"})
			if err != nil {
				t.Fatal(err)
			}
			prefix := want[:strings.Index(want, "X")]
			if !strings.Contains(last, prefix) || !strings.Contains(last, r.Reference) {
				t.Errorf("confirmation %q does not carry the Spanish confirmation %q with %s", last, prefix, r.Reference)
			}
			if strings.Contains(last, "cerradura") {
				t.Error("the confirmation repeats the narrative")
			}
			if !strings.Contains(tr.b.String(), "message (ephemeral)") {
				t.Error("the /report answer was not ephemeral")
			}
			// STATUS answers about the member's own report, in Spanish;
			// another member asking about it learns nothing.
			resp := response(t, h.do(maria.command(h, cmdStatus, map[string]any{"name": optReference, "type": 3, "value": strings.ToLower(r.Reference)})))
			newStatus, _ := h.cat.Text("es", "intake.status.new", nil)
			wantStatus, _ := h.cat.Text("es", "intake.status.reply", map[string]string{"ref": r.Reference, "status": newStatus})
			if resp.Data.Content != wantStatus {
				t.Errorf("/status: %q, want %q", resp.Data.Content, wantStatus)
			}
			resp = response(t, h.do(maria.command(h, cmdStatus)))
			if resp.Data.Content != wantStatus {
				t.Errorf("/status without reference: %q, want the list %q", resp.Data.Content, wantStatus)
			}
			other := member{id: "780000000000000002", locale: "es-419", guild: maria.guild}
			response(t, h.do(other.command(h, cmdRights)))
			resp = response(t, h.do(other.command(h, cmdStatus, map[string]any{"name": optReference, "type": 3, "value": r.Reference})))
			if notFound, _ := h.cat.Text("es", "intake.status.not_found", nil); resp.Data.Content != notFound {
				t.Errorf("another member's /status: %q, want %q", resp.Data.Content, notFound)
			}

			logs := h.logs.String()
			for _, secret := range []string{maria.id, "cerradura", "Acme"} {
				if strings.Contains(logs, secret) {
					t.Errorf("logs contain %q", secret)
				}
			}
		})
	}
}

// A server's default place from /setup decides where its members' reports
// go, without asking them (the summary still shows it and offers a change).
func TestServerPlaceRoutesReports(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	if _, ok := h.rt.Engine.State("intake.what"); !ok {
		t.Skip("the intake flow is not in this tree yet")
	}
	const guild = "800000000000000006"
	mod := member{id: "790000000000000001", locale: "en-US", guild: guild, perms: discordgo.PermissionManageGuild}
	response(t, h.do(mod.command(h, cmdSetup, map[string]any{"name": optPlace, "type": 3, "value": "pittsburgh-pa"})))

	tr := fileReport(t, h, member{id: "790000000000000002", locale: "en-US", guild: guild}, "en")
	if strings.Contains(tr.b.String(), customID(kindModal, "intake.place")) {
		t.Error("the member was asked for the place the server already set")
	}
	var jur string
	if err := h.store.DB().QueryRowContext(t.Context(), "SELECT jurisdiction FROM reports").Scan(&jur); err != nil {
		t.Fatal(err)
	}
	if jur != "pittsburgh-pa" {
		t.Errorf("report jurisdiction %q, want pittsburgh-pa", jur)
	}
}

// A staff update on a Discord report reaches the member as a direct
// message in the report's language, through the outbox.
func TestStaffUpdateReachesMemberByDM(t *testing.T) {
	h := newHarness(t, storetest.SQLite)
	if _, ok := h.rt.Engine.State("intake.what"); !ok {
		t.Skip("the intake flow is not in this tree yet")
	}
	ana := member{id: "790000000000000003", locale: "es-ES", guild: "800000000000000007"}
	fileReport(t, h, ana, "es")
	var id int64
	if err := h.store.DB().QueryRowContext(t.Context(), "SELECT id FROM reports").Scan(&id); err != nil {
		t.Fatal(err)
	}
	r, err := h.store.ReportByID(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	svc := intake.NewService(h.store, h.cat)
	tmpl := intake.UpdateTemplates[0]
	if err := h.store.InTx(t.Context(), func(tx *store.Tx) error { return svc.NotifyResident(t.Context(), tx, r, tmpl) }); err != nil {
		t.Fatal(err)
	}
	want, err := svc.RenderUpdate(r, "es", tmpl)
	if err != nil {
		t.Fatal(err)
	}

	d := outbox.New(h.store, slog.New(slog.NewTextHandler(h.logs, nil)))
	d.Register(Channel, h.bot)
	before := len(h.discord.recorded())
	if n, err := d.RunOnce(t.Context()); err != nil || n != 1 {
		t.Fatalf("RunOnce sent %d, err %v; want 1", n, err)
	}
	calls := h.discord.recorded()[before:]
	if len(calls) != 2 {
		t.Fatalf("calls %+v, want open DM + send", calls)
	}
	if calls[0].Body["recipient_id"] != ana.id {
		t.Errorf("DM opened with %v, want the member", calls[0].Body["recipient_id"])
	}
	if calls[1].Body["content"] != want {
		t.Errorf("DM %q, want the Spanish update %q", calls[1].Body["content"], want)
	}
	var status string
	if err := h.store.DB().QueryRowContext(t.Context(), "SELECT status FROM outbox").Scan(&status); err != nil {
		t.Fatal(err)
	}
	if status != store.OutboxSent {
		t.Errorf("outbox row %q, want sent", status)
	}
}
