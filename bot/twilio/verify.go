package twilio

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// formContentType is the only body Twilio's webhooks carry.
const formContentType = "application/x-www-form-urlencoded"

// bodyBufs holds the buffers webhook bodies are read into.
var bodyBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// MaxBody is the largest webhook body accepted. Twilio's inbound form is a
// few kilobytes even with 1600 characters of text and ten media URLs.
const MaxBody = 64 << 10

// Hooks are the webhooks of one Twilio account served at one public base
// URL: it checks their signatures and names the status callback URLs the
// REST sends ask for. It is safe for concurrent use.
type Hooks struct {
	base   string
	signer *signer
}

// NewHooks returns the Hooks of the account whose auth token is authToken,
// served at publicBaseURL (scheme and host, e.g.
// https://rightsline.example.org). Proxy headers (X-Forwarded-*) are never
// consulted: the URL Twilio signs is the one configured in the Twilio
// console, which is publicBaseURL plus the path, whatever proxies sit
// between.
func NewHooks(authToken, publicBaseURL string) *Hooks {
	return &Hooks{base: strings.TrimRight(publicBaseURL, "/"), signer: newSigner(authToken)}
}

// URL is the URL Twilio calls for path, as it signs it.
func (h *Hooks) URL(path string) string { return h.base + path }

// Verified reads the webhook's form and checks its signature, in that
// order: the size limit first, so nothing larger than MaxBody is read;
// then the signature over the public URL and every form field. It returns
// the HTTP status to answer with when the request is refused (413, 400 or
// 403), and then processes nothing.
func (h *Hooks) Verified(w http.ResponseWriter, r *http.Request) (url.Values, int) {
	if r.ContentLength > MaxBody {
		return nil, http.StatusRequestEntityTooLarge
	}
	form, err := readForm(w, r)
	if err != nil {
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
	signedURL := h.URL(r.URL.EscapedPath())
	if r.URL.RawQuery != "" {
		signedURL += "?" + r.URL.RawQuery
	}
	if !h.signer.valid(signedURL, form, sig) {
		return nil, http.StatusForbidden
	}
	return form, 0
}

// readForm parses the body's fields as http.Request.ParseForm would for
// r.PostForm (same content types, same errors), at most MaxBody bytes,
// but without its copies: ParseForm grows a fresh buffer to read the body,
// and copies every field again into r.Form merged with the query string,
// which the webhooks do not read. The body is read into a pooled buffer
// and copied once into the string the fields are cut from.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	ct := r.Header.Get("Content-Type")
	if ct != formContentType {
		if ct == "" {
			ct = "application/octet-stream"
		}
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return nil, err
		}
		if mt != formContentType {
			return url.Values{}, nil // not a form: no fields, as ParseForm
		}
	}
	buf := bodyBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 2*MaxBody {
			buf.Reset()
			bodyBufs.Put(buf)
		}
	}()
	buf.Reset()
	if n := r.ContentLength; n > 0 {
		buf.Grow(int(n) + bytes.MinRead) // ReadFrom wants MinRead free to read on
	}
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBody)); err != nil {
		return nil, err
	}
	if buf.Len() == 0 {
		return url.Values{}, nil
	}
	return url.ParseQuery(buf.String())
}

// CheckAccount reports what is missing or malformed in the account
// settings every Twilio channel shares, naming the variables.
func CheckAccount(accountSID, authToken, publicBaseURL string) []error {
	var errs []error
	if accountSID == "" {
		errs = append(errs, errors.New("TWILIO_ACCOUNT_SID is not set"))
	} else if !strings.HasPrefix(accountSID, "AC") {
		errs = append(errs, errors.New("TWILIO_ACCOUNT_SID must start with AC"))
	}
	if authToken == "" {
		errs = append(errs, errors.New("TWILIO_AUTH_TOKEN (or TWILIO_AUTH_TOKEN_FILE) is not set"))
	}
	if publicBaseURL == "" {
		errs = append(errs, errors.New("PUBLIC_BASE_URL is not set: Twilio signatures are checked over it"))
	} else if u, err := url.Parse(publicBaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		errs = append(errs, errors.New("PUBLIC_BASE_URL must be a scheme and host such as https://rightsline.example.org"))
	}
	return errs
}
