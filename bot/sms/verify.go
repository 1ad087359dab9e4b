package sms

import (
	"errors"
	"net/http"
	"net/url"
)

// errForged is a request whose signature does not match.
var errForged = errors.New("sms: missing or invalid X-Twilio-Signature")

// verified reads the webhook's form and checks its signature, in that
// order: the size limit first, so nothing larger than MaxBody is read;
// then the signature over the public URL and every form field. It returns
// the HTTP status to answer with when the request is refused (413, 400 or
// 403), and then processes nothing.
func (h *Handler) verified(w http.ResponseWriter, r *http.Request) (url.Values, int) {
	if r.ContentLength > MaxBody {
		return nil, http.StatusRequestEntityTooLarge
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge
		}
		return nil, http.StatusBadRequest
	}
	sig := r.Header.Get("X-Twilio-Signature")
	if sig == "" {
		return nil, http.StatusForbidden
	}
	// Twilio signs the URL it was configured with. The query string, if
	// the console URL has one, is part of it; the body fields are signed
	// separately, sorted by name.
	signedURL := h.cfg.publicURL(r.URL.EscapedPath())
	if r.URL.RawQuery != "" {
		signedURL += "?" + r.URL.RawQuery
	}
	params := make(map[string]string, len(r.PostForm))
	for k, vs := range r.PostForm {
		if len(vs) != 1 {
			// Twilio never repeats a field; the validator would check
			// only the first value, so refuse rather than guess.
			return nil, http.StatusForbidden
		}
		params[k] = vs[0]
	}
	if !h.validator.Validate(signedURL, params, sig) {
		return nil, http.StatusForbidden
	}
	return r.PostForm, 0
}
