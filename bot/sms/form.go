package sms

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// inboundForm is the part of Twilio's inbound-message webhook we use.
// https://www.twilio.com/docs/messaging/guides/webhook-request
type inboundForm struct {
	MessageSid string
	AccountSid string
	From       string
	To         string
	Body       string
	NumMedia   int
}

// statusForm is the part of Twilio's status callback we use.
type statusForm struct {
	MessageSid    string
	AccountSid    string
	MessageStatus string
	ErrorCode     string
	To            string
}

var errBadForm = errors.New("sms: malformed webhook form")

// parseInbound checks the inbound form's shape. It is called only on
// signed requests, so a failure here is Twilio changing something, or our
// configuration pointing the wrong webhook here.
func parseInbound(v url.Values, accountSID string) (inboundForm, error) {
	f := inboundForm{
		MessageSid: v.Get("MessageSid"),
		AccountSid: v.Get("AccountSid"),
		From:       strings.TrimSpace(v.Get("From")),
		To:         strings.TrimSpace(v.Get("To")),
		Body:       v.Get("Body"),
	}
	if f.MessageSid == "" {
		f.MessageSid = v.Get("SmsSid") // older webhooks
	}
	if !validSid(f.MessageSid, "SM", "MM") {
		return f, fmt.Errorf("%w: MessageSid", errBadForm)
	}
	if f.AccountSid != "" && f.AccountSid != accountSID {
		return f, fmt.Errorf("%w: AccountSid of another account", errBadForm)
	}
	if f.From == "" || len(f.From) > 64 {
		return f, fmt.Errorf("%w: From", errBadForm)
	}
	if n := v.Get("NumMedia"); n != "" {
		k, err := strconv.Atoi(n)
		if err != nil || k < 0 || k > 100 {
			return f, fmt.Errorf("%w: NumMedia", errBadForm)
		}
		f.NumMedia = k
	}
	return f, nil
}

// parseStatus checks a status callback's shape.
func parseStatus(v url.Values, accountSID string) (statusForm, error) {
	f := statusForm{
		MessageSid:    v.Get("MessageSid"),
		AccountSid:    v.Get("AccountSid"),
		MessageStatus: strings.ToLower(v.Get("MessageStatus")),
		ErrorCode:     v.Get("ErrorCode"),
		To:            strings.TrimSpace(v.Get("To")),
	}
	if f.MessageSid == "" {
		f.MessageSid = v.Get("SmsSid")
	}
	if f.MessageStatus == "" {
		f.MessageStatus = strings.ToLower(v.Get("SmsStatus"))
	}
	if !validSid(f.MessageSid, "SM", "MM") {
		return f, fmt.Errorf("%w: MessageSid", errBadForm)
	}
	if f.AccountSid != "" && f.AccountSid != accountSID {
		return f, fmt.Errorf("%w: AccountSid of another account", errBadForm)
	}
	if _, ok := statusRank[f.MessageStatus]; !ok {
		return f, fmt.Errorf("%w: MessageStatus", errBadForm)
	}
	if f.ErrorCode != "" {
		if _, err := strconv.Atoi(f.ErrorCode); err != nil {
			return f, fmt.Errorf("%w: ErrorCode", errBadForm)
		}
	}
	return f, nil
}

// validSid reports whether s looks like a Twilio SID with one of the
// prefixes: two letters and 32 hex digits.
func validSid(s string, prefixes ...string) bool {
	if len(s) != 34 {
		return false
	}
	ok := false
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			ok = true
		}
	}
	if !ok {
		return false
	}
	for _, r := range s[2:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}
