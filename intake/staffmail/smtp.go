package staffmail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wneessen/go-mail"
)

// SMTP settings (SMTP_* in the environment).
type SMTP struct {
	Host string
	Port int
	// Username and Password authenticate (PLAIN, or LOGIN when the server
	// offers only that); none when Username is empty.
	Username, Password string
	From               string
	// TLS is "starttls" (required; the default), "tls" (implicit TLS, port
	// 465) or "none" (a relay on the same host only: without TLS the
	// password is sent only to a loopback server).
	TLS     string
	Timeout time.Duration
}

// Enabled reports whether e-mail is configured at all.
func (c SMTP) Enabled() bool { return c.Host != "" }

// Check reports what is missing or wrong.
func (c SMTP) Check() error {
	var errs []error
	if c.From == "" {
		errs = append(errs, errors.New("SMTP_FROM is required with SMTP_HOST"))
	}
	if c.Port <= 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("SMTP_PORT %d is not a port", c.Port))
	}
	switch c.TLS {
	case "starttls", "tls", "none":
	default:
		errs = append(errs, fmt.Errorf("SMTP_TLS %q is not starttls, tls or none", c.TLS))
	}
	if c.Username != "" && c.Password == "" {
		errs = append(errs, errors.New("SMTP_PASSWORD (or SMTP_PASSWORD_FILE) is required with SMTP_USERNAME"))
	}
	return errors.Join(errs...)
}

// smtpSender sends through one SMTP server, a connection per batch.
type smtpSender struct {
	cfg  SMTP
	opts []mail.Option
}

// NewSMTP returns a Sender for cfg.
func NewSMTP(cfg SMTP) (Sender, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	opts := []mail.Option{mail.WithPort(cfg.Port), mail.WithTimeout(cfg.Timeout)}
	switch cfg.TLS {
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if cfg.Username != "" {
		// Over TLS the strongest mechanism the server offers; without TLS
		// only PLAIN, which the client sends to a loopback server alone.
		auth := mail.SMTPAuthAutoDiscover
		if cfg.TLS == "none" {
			auth = mail.SMTPAuthPlain
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	// Fail fast on a bad option rather than at the first report.
	if _, err := mail.NewClient(cfg.Host, opts...); err != nil {
		return nil, fmt.Errorf("staffmail: smtp: %w", err)
	}
	return &smtpSender{cfg: cfg, opts: opts}, nil
}

// Send sends mails over one connection. A mail's To lists the staff of one
// commission, who know each other.
func (s *smtpSender) Send(ctx context.Context, mails ...Mail) error {
	msgs := make([]*mail.Msg, 0, len(mails))
	for _, m := range mails {
		msg := mail.NewMsg()
		if err := msg.From(s.cfg.From); err != nil {
			return fmt.Errorf("staffmail: from: %w", err)
		}
		if err := msg.To(m.To...); err != nil {
			return fmt.Errorf("staffmail: to: %w", err)
		}
		msg.Subject(m.Subject)
		msg.SetBodyString(mail.TypeTextPlain, m.Body)
		msgs = append(msgs, msg)
	}
	c, err := mail.NewClient(s.cfg.Host, s.opts...)
	if err != nil {
		return fmt.Errorf("staffmail: smtp: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msgs...); err != nil {
		return fmt.Errorf("staffmail: send: %w", err)
	}
	return nil
}
