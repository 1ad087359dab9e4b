package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Fetcher fetches one attachment of a channel, at most max bytes.
type Fetcher interface {
	Fetch(ctx context.Context, rawURL string, max int64) ([]byte, error)
}

// Deleter, when a Fetcher implements it, deletes an attachment from the
// provider once it is stored (Twilio keeps MMS media until deleted).
type Deleter interface {
	Delete(ctx context.Context, rawURL string) error
}

// ErrTooLarge is a file over the size limit; ErrGone one the provider no
// longer has (or never had: 404, 410) or will not give (401, 403).
var (
	ErrTooLarge = errors.New("media: over the size limit")
	ErrGone     = errors.New("media: the provider does not have it (or refuses it)")
)

// HTTPFetcher fetches over HTTPS from a list of hosts. It is the whole of
// the pipeline's defence against server-side request forgery, on top of
// the channel's check of the URL it received:
//
//   - the first URL and every redirect must be https on an allowed host
//     (Allowed), at most three redirects;
//   - the dialer refuses loopback, private, link-local and unspecified
//     addresses (a DNS name pointed at the metadata service or the
//     database), unless AllowLoopback (tests with a fake provider on
//     127.0.0.1, which may then be plain http);
//   - credentials (User/Password: Twilio's account SID and auth token)
//     are sent only to CredentialHost, never after a redirect elsewhere;
//   - at most max bytes are read, whatever Content-Length says.
type HTTPFetcher struct {
	// Allowed reports whether a URL may be fetched (the first one and
	// every redirect).
	Allowed func(u *url.URL) bool
	// User and Password, when set, authenticate requests to
	// CredentialHost with HTTP basic auth.
	User, Password string
	CredentialHost string
	// AllowLoopback lets tests reach a fake provider on loopback.
	AllowLoopback bool
	// Timeout bounds one fetch; 0 means 30 s.
	Timeout time.Duration
	// Transport, if set, replaces the dialing transport (tests).
	Transport http.RoundTripper

	client *http.Client
}

func (f *HTTPFetcher) httpClient() *http.Client {
	if f.client != nil {
		return f.client
	}
	rt := f.Transport
	if rt == nil {
		d := &net.Dialer{Timeout: 10 * time.Second, Control: f.control}
		rt = &http.Transport{
			DialContext: d.DialContext, Proxy: nil, ForceAttemptHTTP2: true,
			TLSHandshakeTimeout: 10 * time.Second, ResponseHeaderTimeout: 20 * time.Second,
			MaxIdleConnsPerHost: 2, IdleConnTimeout: 60 * time.Second,
		}
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	f.client = &http.Client{
		Transport: rt,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > 3 {
				return errors.New("media: too many redirects")
			}
			if !f.urlOK(req.URL) {
				return fmt.Errorf("media: redirect to a host that is not allowed")
			}
			if !strings.EqualFold(req.URL.Hostname(), f.CredentialHost) {
				req.Header.Del("Authorization")
			}
			return nil
		},
	}
	return f.client
}

// control refuses to connect to internal addresses.
func (f *HTTPFetcher) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return errors.New("media: not an IP address")
	}
	if f.AllowLoopback && ip.IsLoopback() {
		return nil
	}
	if !PublicIP(ip) {
		return errors.New("media: refusing to connect to an internal address")
	}
	return nil
}

// PublicIP reports whether ip is a public unicast address: not loopback,
// private (RFC 1918, fc00::/7), link-local (the cloud metadata service),
// multicast, unspecified, or CGNAT (100.64.0.0/10).
func PublicIP(ip net.IP) bool {
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	if v4 := ip.To4(); v4 != nil && v4[0] == 100 && v4[1]&0xC0 == 64 {
		return false
	}
	return true
}

func (f *HTTPFetcher) urlOK(u *url.URL) bool {
	if u.User != nil || f.Allowed == nil || !f.Allowed(u) {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return f.AllowLoopback && u.Scheme == "http" && (u.Hostname() == "localhost" || ip != nil && ip.IsLoopback())
}

// Fetch implements Fetcher.
func (f *HTTPFetcher) Fetch(ctx context.Context, rawURL string, max int64) ([]byte, error) {
	resp, err := f.do(ctx, http.MethodGet, rawURL)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone ||
		resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, fmt.Errorf("%w: HTTP %d", ErrGone, resp.StatusCode)
	default:
		return nil, fmt.Errorf("media: HTTP %d", resp.StatusCode)
	}
	if resp.ContentLength > max {
		return nil, ErrTooLarge
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("media: reading: %w", err)
	}
	if int64(len(b)) > max {
		return nil, ErrTooLarge
	}
	return b, nil
}

// Delete implements Deleter: an authenticated DELETE of the URL (Twilio's
// media resource). 404 counts as deleted.
func (f *HTTPFetcher) Delete(ctx context.Context, rawURL string) error {
	resp, err := f.do(ctx, http.MethodDelete, rawURL)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 == 2 || resp.StatusCode == http.StatusNotFound {
		return nil
	}
	return fmt.Errorf("media: delete: HTTP %d", resp.StatusCode)
}

func (f *HTTPFetcher) do(ctx context.Context, method, rawURL string) (*http.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil || !f.urlOK(u) {
		return nil, fmt.Errorf("%w: not an allowed URL", ErrGone)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if f.User != "" && strings.EqualFold(u.Hostname(), f.CredentialHost) {
		req.SetBasicAuth(f.User, f.Password)
	}
	resp, err := f.httpClient().Do(req)
	if err != nil {
		// Never the URL in the error: it names the resident's media.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("media: %s: %w", strings.ToLower(method), err)
	}
	return resp, nil
}
