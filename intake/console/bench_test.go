package console

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// benchReports is how many reports the queue benchmark seeds.
const benchReports = 100_000

// caseOf builds "CASE n % len WHEN 0 THEN 'a' … END" for the bulk insert.
func caseOf(values ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CASE n %% %d", len(values))
	for i, v := range values {
		if v == "" {
			fmt.Fprintf(&b, " WHEN %d THEN NULL", i)
		} else {
			fmt.Fprintf(&b, " WHEN %d THEN '%s'", i, v)
		}
	}
	return b.String() + " END"
}

// seedBulk inserts n reports in one statement: three commission queues
// (two commissions and the default queue), every status, category and
// language, deadlines spread over a year with one in ten unknown, filed
// over 300 days, naming 5,000 landlords (references BK-000001 …).
func seedBulk(ctx context.Context, st *store.Store, contactID int64, n int) error {
	cols := fmt.Sprintf(`REF, %d, 'sms', %s, %s, 'bulk narrative', 'this', %s,
		%s, %s, %s, 'Landlord ' || (n %% 5000)`,
		contactID, caseOf("en", "es", "zh-Hans", "zh-Hant", "vi", "ko", "am", "fr"),
		caseOf("housing", "homelessness", "employment", "public-place", "government", "other"),
		map[store.Dialect]string{store.SQLite: "1", store.Postgres: "TRUE"}[st.Dialect()],
		caseOf("dc-ohr", "pgh-chr", ""),
		"DEADLINE", // per dialect, filled in below
		caseOf("new", "in_review", "accepted", "referred", "closed"))
	var q string
	switch st.Dialect() {
	case store.SQLite:
		cols = strings.Replace(cols, "DEADLINE", `CASE WHEN n % 10 = 0 THEN NULL ELSE date('2026-11-01', '+' || (n % 365) || ' days') END`, 1)
		cols = strings.Replace(cols, "REF", `'BK-' || substr('000000' || n, -6)`, 1)
		created := `strftime('%Y-%m-%dT%H:%M:%S.000000Z', '2026-01-20', '+' || (n % 300) || ' days', '+' || (n % 86400) || ' seconds')`
		q = `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ` + fmt.Sprint(n) + `)
INSERT INTO reports (reference, contact_id, channel, lang, category, narrative, contact_method, consent, commission_id, deadline, status, respondent_name, created_at, updated_at)
SELECT ` + cols + `, ` + created + `, ` + created + ` FROM seq`
	case store.Postgres:
		cols = strings.Replace(cols, "DEADLINE", `CASE WHEN n % 10 = 0 THEN NULL ELSE to_char(DATE '2026-11-01' + (n % 365), 'YYYY-MM-DD') END`, 1)
		cols = strings.Replace(cols, "REF", `'BK-' || lpad(n::text, 6, '0')`, 1)
		created := `TIMESTAMPTZ '2026-01-20 00:00:00Z' + (n % 300) * INTERVAL '1 day' + (n % 86400) * INTERVAL '1 second'`
		q = `INSERT INTO reports (reference, contact_id, channel, lang, category, narrative, contact_method, consent, commission_id, deadline, status, respondent_name, created_at, updated_at)
SELECT ` + cols + `, ` + created + `, ` + created + ` FROM generate_series(1, ` + fmt.Sprint(n) + `) AS n`
	}
	if _, err := st.DB().ExecContext(ctx, q); err != nil {
		return err
	}
	// The bulk insert bypasses InsertReport: key the respondents as the
	// store does for rows without a key (5,000 landlords, 20 reports each).
	if _, err := st.KeyRespondents(ctx); err != nil {
		return err
	}
	if st.Dialect() == store.Postgres {
		_, err := st.DB().ExecContext(ctx, "ANALYZE reports")
		return err
	}
	_, err := st.DB().ExecContext(ctx, "ANALYZE")
	return err
}

// BenchmarkQueuePage renders the queue page (session lookup, query,
// template), the searches (a reference typed with spaces, a respondent
// alone and with every filter) and a report page over 100,000 reports, and
// reports p50 and p95 in ms.
//
//	TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable \
//	  go test ./intake/console -run '^$' -bench QueuePage -benchtime 300x
func BenchmarkQueuePage(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) {
			ctx := context.Background()
			st := storetest.Open(b, backend)
			var contact store.Contact
			err := st.InTx(ctx, func(tx *store.Tx) error {
				for _, id := range []string{"dc-ohr", "pgh-chr"} {
					if err := tx.UpsertCommission(ctx, store.Commission{ID: id, Name: id, Active: true}); err != nil {
						return err
					}
				}
				var err error
				contact, err = tx.ContactForUpdate(ctx, "sms", "+12025550100")
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			if err := seedBulk(ctx, st, contact.ID, benchReports); err != nil {
				b.Fatalf("seed: %v", err)
			}
			b.Logf("%s: seeded %d reports in %v", backend, benchReports, time.Since(start).Round(time.Millisecond))

			c, err := New(Config{Store: st,
				Notify:     func(context.Context, *store.Tx, store.Report, string) error { return nil },
				Preview:    func(store.Report, locales.Lang, string) (string, error) { return "", nil },
				Categories: []string{"housing", "homelessness", "employment", "public-place", "government", "other"}})
			if err != nil {
				b.Fatal(err)
			}
			cookies := map[string]string{}
			for _, who := range []store.Staff{
				{Email: "staff@bench.example", PasswordHash: "x", Role: store.RoleStaff, CommissionID: "dc-ohr"},
				{Email: "admin@bench.example", PasswordHash: "x", Role: store.RoleAdmin},
			} {
				if err := st.InsertStaff(ctx, &who); err != nil {
					b.Fatal(err)
				}
				if who.IsAdmin() {
					// Admins must have a second factor before any page.
					if err := st.BeginTOTP(ctx, who.ID, "JBSWY3DPEHPK3PXP"); err != nil {
						b.Fatal(err)
					}
					if err := st.InTx(ctx, func(tx *store.Tx) error { _, err := tx.ConfirmTOTP(ctx, who.ID, 1, nil); return err }); err != nil {
						b.Fatal(err)
					}
				}
				token := newToken()
				err := st.InTx(ctx, func(tx *store.Tx) error {
					return tx.InsertSession(ctx, &store.Session{TokenHash: tokenHash(token), StaffID: who.ID, CSRFToken: "c", ExpiresAt: time.Now().Add(time.Hour)})
				})
				if err != nil {
					b.Fatal(err)
				}
				cookies[who.Role] = token
			}
			// Report 99,999 is dc-ohr's (n % 3 == 0) and names Landlord 4999.
			cases := []struct {
				name, role, path string
				want             int
			}{
				{"staff-open", store.RoleStaff, "/reports", http.StatusOK},
				{"staff-filtered", store.RoleStaff, "/reports?status=in_review&category=housing&lang=vi&due=90", http.StatusOK},
				{"staff-page-20", store.RoleStaff, "/reports?after=2027-06-01~50000", http.StatusOK},
				{"admin-all", store.RoleAdmin, "/reports?status=all", http.StatusOK},
				{"search-reference", store.RoleStaff, "/reports?q=bk+099+999", http.StatusSeeOther},
				{"search-respondent", store.RoleStaff, "/reports?q=landlord+4999&status=all", http.StatusOK},
				{"search-respondent-filtered", store.RoleStaff, "/reports?q=landlord+4999&status=closed&category=public-place&lang=fr&due=365", http.StatusOK},
				{"report-page", store.RoleStaff, "/reports/99999", http.StatusOK},
				// Sparse: fewer matches than a page. In the seed, category
				// follows n%6 and language n%8, so housing (even n) in
				// Spanish (odd n) matches nothing: a filter that must not
				// walk the whole urgency index to find that out.
				{"admin-sparse", store.RoleAdmin, "/reports?status=all&category=housing&lang=es", http.StatusOK},
				{"staff-sparse", store.RoleStaff, "/reports?category=housing&lang=es", http.StatusOK},
				// The reports due within a week: a tenth, at the front.
				{"admin-due-7", store.RoleAdmin, "/reports?status=all&due=7", http.StatusOK},
			}
			for _, tc := range cases {
				b.Run(tc.name, func(b *testing.B) {
					var times []time.Duration
					for b.Loop() {
						req := httptest.NewRequest(http.MethodGet, Path+tc.path, nil)
						req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookies[tc.role]})
						rec := httptest.NewRecorder()
						t0 := time.Now()
						c.ServeHTTP(rec, req)
						times = append(times, time.Since(t0))
						if rec.Code != tc.want || (tc.want == http.StatusOK && !strings.Contains(tc.name, "sparse") && !strings.Contains(rec.Body.String(), `class="ref"`)) {
							b.Fatalf("%s: %d, want %d", tc.path, rec.Code, tc.want)
						}
					}
					slices.Sort(times)
					pct := func(p float64) float64 {
						return float64(times[min(len(times)-1, int(p*float64(len(times))))].Microseconds()) / 1000
					}
					b.ReportMetric(pct(0.50), "p50-ms")
					b.ReportMetric(pct(0.95), "p95-ms")
				})
			}
		})
	}
}
