package intake

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/rightsline/rightsline/store"
)

// ErrUndeliverable is returned (wrapped, with the reason in words staff
// read) by Deliverable and NotifyResident for an update that would never
// reach the resident: it is refused before it is queued, instead of
// waiting in the outbox for ever.
var ErrUndeliverable = errors.New("intake: the update cannot be delivered")

// UndeliverableError says why an update cannot be delivered, in words
// for staff; it matches ErrUndeliverable with errors.Is.
type UndeliverableError struct{ Reason string }

func (e *UndeliverableError) Error() string { return ErrUndeliverable.Error() + ": " + e.Reason }

// Is makes errors.Is(err, ErrUndeliverable) true.
func (e *UndeliverableError) Is(target error) bool { return target == ErrUndeliverable }

func undeliverable(format string, args ...any) error {
	return &UndeliverableError{Reason: fmt.Sprintf(format, args...)}
}

// e164 is a phone number as the outbox sends SMS to: +, country code,
// 8 to 15 digits in all.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

// Deliverable says whether an update about report can reach the resident
// now, in tx, without queueing anything: they agreed to be contacted, the
// channel it would go by is on in this service (ChannelOn), the number
// they gave is one SMS can reach, and they have not opted out there. The
// error wraps ErrNoContact or ErrUndeliverable and says why.
func (s *Service) Deliverable(ctx context.Context, tx *store.Tx, report store.Report) error {
	_, err := s.recipient(ctx, tx, report, false)
	return err
}

// recipient finds the contact an update about report goes to. With create
// it makes the SMS contact of another number if there is none yet (as
// queueing needs); without, it only looks.
func (s *Service) recipient(ctx context.Context, tx *store.Tx, report store.Report, create bool) (store.Contact, error) {
	var to store.Contact
	var err error
	switch report.ContactMethod {
	case store.ContactThis:
		if to, err = tx.ReportContact(ctx, report.ID); errors.Is(err, store.ErrNotFound) {
			return to, undeliverable("the person was erased")
		}
	case store.ContactOther:
		if report.ContactPhone == "" {
			return to, ErrNoContact
		}
		if !e164.MatchString(report.ContactPhone) {
			return to, undeliverable("the number the resident gave (%d characters) is not a phone number a text message can reach", len(report.ContactPhone))
		}
		if create {
			to, err = tx.ContactForUpdate(ctx, "sms", report.ContactPhone)
		} else if to, err = tx.ContactByAddress(ctx, "sms", report.ContactPhone); errors.Is(err, store.ErrNotFound) {
			to, err = store.Contact{Channel: "sms"}, nil
		}
	default:
		return to, ErrNoContact
	}
	if err != nil {
		return to, err
	}
	if s.ChannelOn != nil && !s.ChannelOn(to.Channel) {
		return to, undeliverable("%s is off in this service (%s), so the update would never be sent", channelName(to.Channel), channelSetting(to.Channel))
	}
	if to.OptedOut {
		return to, undeliverable("the resident opted out of messages on %s (they can send START to opt back in)", channelName(to.Channel))
	}
	return to, nil
}

func channelName(ch string) string {
	switch ch {
	case "sms":
		return "SMS"
	case "discord":
		return "Discord"
	case "whatsapp":
		return "WhatsApp"
	}
	return ch
}

func channelSetting(ch string) string {
	switch ch {
	case "sms":
		return "TWILIO_* are not set"
	case "discord":
		return "DISCORD_* are not set"
	case "whatsapp":
		return "TWILIO_WHATSAPP_FROM is not set"
	}
	return "no sender"
}

// DeliverableReason is Deliverable as the console's check wants it: ""
// when the update can be delivered, else why not, in words for staff. A
// database error is reported as such (and the update refused), never
// hidden.
func (s *Service) DeliverableReason(ctx context.Context, tx *store.Tx, report store.Report) string {
	err := s.Deliverable(ctx, tx, report)
	var ue *UndeliverableError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ue):
		return ue.Reason
	case errors.Is(err, ErrNoContact):
		return "the resident asked not to be contacted, or left no number"
	}
	return "the resident's contact could not be checked (" + err.Error() + ")"
}
