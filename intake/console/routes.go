package console

import (
	"net/http"
)

// routes lists every console route. Staff of one commission get 404 for
// another commission's reports on every /reports/{id} route (see
// loadReport); admin pages answer staff with 404 too.
func (c *Console) routes() http.Handler {
	mux := http.NewServeMux()
	p := Path

	mux.Handle("GET "+p+"/static/", staticHandler())
	mux.HandleFunc("GET "+p+"/login", c.loginForm)
	mux.HandleFunc("POST "+p+"/login", c.login)
	mux.Handle("POST "+p+"/logout", c.authed(c.logout))
	mux.Handle("GET "+p+"/password", c.authed(c.passwordForm))
	mux.Handle("POST "+p+"/password", c.authed(c.changePassword))
	mux.Handle("GET "+p+"/totp", c.authed(c.totpForm))
	mux.Handle("POST "+p+"/totp", c.authed(c.verifyTOTP))
	mux.Handle("GET "+p+"/totp/enrol", c.authed(c.enrolForm))
	mux.Handle("GET "+p+"/totp/enrol/qr.png", c.authed(c.enrolQR))
	mux.Handle("POST "+p+"/totp/enrol", c.authed(c.confirmEnrol))

	mux.Handle("GET "+p+"/{$}", http.RedirectHandler(p+"/reports", http.StatusSeeOther))
	// Reports and the dashboard: staff and admins; translators get 404
	// (staffArea).
	mux.Handle("GET "+p+"/reports", c.staffArea(c.queue))
	mux.Handle("GET "+p+"/reports/{id}", c.staffArea(c.report))
	mux.Handle("GET "+p+"/reports/{id}/export.csv", c.staffArea(c.exportReport))
	mux.Handle("GET "+p+"/reports/{id}/media/{mid}", c.staffArea(c.media))
	mux.Handle("POST "+p+"/reports/{id}/status", c.staffArea(c.setStatus))
	mux.Handle("POST "+p+"/reports/{id}/assign", c.staffArea(c.assign))
	mux.Handle("POST "+p+"/reports/{id}/notes", c.staffArea(c.addNote))
	mux.Handle("POST "+p+"/reports/{id}/updates", c.staffArea(c.sendUpdate))
	mux.Handle("POST "+p+"/reports/{id}/erase", c.adminOnly(c.erasePerson))
	mux.Handle("GET "+p+"/export.csv", c.staffArea(c.export))
	mux.Handle("GET "+p+"/dashboard", c.staffArea(c.dashboard))
	mux.Handle("GET "+p+"/patterns", c.staffArea(c.patterns))
	mux.Handle("GET "+p+"/retention", c.authed(c.retention))
	mux.Handle("GET "+p+"/settings", c.authed(c.settings))
	mux.Handle("POST "+p+"/settings", c.authed(c.saveSettings))

	// Translations: translators (their languages) and admins (all);
	// commission staff get 404 (translateLang).
	mux.Handle("GET "+p+"/translate", c.authed(c.translateHome))
	mux.Handle("GET "+p+"/translate/{lang}", c.authed(c.translateList))
	mux.Handle("GET "+p+"/translate/{lang}/messages/{id}", c.authed(c.translateMessage))
	mux.Handle("POST "+p+"/translate/{lang}/messages/{id}", c.authed(c.saveTranslation))
	mux.Handle("GET "+p+"/translate/{lang}/export.xlf", c.authed(c.exportXLIFF))
	mux.Handle("GET "+p+"/translate/{lang}/export.csv", c.authed(c.exportCSV))
	mux.Handle("POST "+p+"/translate/{lang}/import", c.uploadForm(c.authed(c.uploadImport)))
	mux.Handle("POST "+p+"/translate/{lang}/import/confirm", c.uploadForm(c.authed(c.confirmImport)))

	mux.Handle("GET "+p+"/audit", c.adminOnly(c.auditLog))
	mux.Handle("GET "+p+"/staff", c.adminOnly(c.staffList))
	mux.Handle("POST "+p+"/staff", c.adminOnly(c.addStaff))
	mux.Handle("POST "+p+"/staff/{id}/active", c.adminOnly(c.setStaffActive))
	mux.Handle("POST "+p+"/staff/{id}/langs", c.adminOnly(c.setStaffLangs))
	mux.Handle("POST "+p+"/staff/{id}/password", c.adminOnly(c.resetStaffPassword))
	mux.Handle("POST "+p+"/staff/{id}/totp-reset", c.adminOnly(c.resetStaffTOTP))
	mux.Handle("GET "+p+"/commissions", c.adminOnly(c.commissionList))
	mux.Handle("POST "+p+"/commissions/{id}/active", c.adminOnly(c.setCommissionActive))
	mux.Handle("POST "+p+"/commissions/{id}/public-stats", c.adminOnly(c.setCommissionPublicStats))

	mux.HandleFunc(p+"/", func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, nil, errNotFound)
	})

	// Cross-origin state-changing requests are refused before any handler
	// runs; the per-session token in each form is the second check.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, nil, errorf(EFORBIDDEN, "This request came from another site and was refused."))
	}))
	return securityHeaders(cop.Handler(mux))
}

// securityHeaders sets the headers every console response carries: no
// scripts at all, no framing, no caching of pages with personal data, and
// no referrer leaving the console.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
