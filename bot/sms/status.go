package sms

import (
	"context"
	"errors"
	"net/http"

	"github.com/rightsline/rightsline/store"
)

// serveStatus is POST /twilio/status: Twilio's delivery report for a
// message we sent (a TwiML reply or an outbox message). Checked like the
// inbound webhook; the status is recorded, and error 21610 (the recipient
// has replied STOP to Twilio) marks the contact opted out.
func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request) {
	values, status := h.verified(w, r)
	if status != 0 {
		h.log.Warn("sms: status callback refused", "status", status)
		http.Error(w, http.StatusText(status), status)
		return
	}
	form, err := parseStatus(values, h.cfg.AccountSID)
	if err != nil {
		h.log.Warn("sms: status callback malformed", "err", err)
		http.Error(w, "malformed status callback", http.StatusBadRequest)
		return
	}
	if raw := r.URL.Query().Get(outboxParam); raw != "" {
		// A REST send's callback names its outbox row: Twilio has the
		// message, so the row is sent even if the dispatcher that sent it
		// died before recording it.
		if id, ok := h.cfg.outboxRow(raw); !ok {
			h.log.Warn("sms: status callback names an outbox row that is not ours; ignored")
		} else if err := h.st.RecordOutboundCallback(r.Context(), Channel, id, form.MessageSid); err != nil && !errors.Is(err, store.ErrNotFound) {
			h.log.Error("sms: recording the outbox row of a status callback", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
	}
	if err := h.recordStatus(r.Context(), form); err != nil {
		h.log.Error("sms: recording delivery status", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) recordStatus(ctx context.Context, f statusForm) error {
	applied, err := h.st.RecordDeliveryStatus(ctx, store.DeliveryReport{
		Channel: Channel, ProviderID: f.MessageSid, Status: f.MessageStatus,
		Rank: statusRank[f.MessageStatus], ErrorCode: f.ErrorCode,
	})
	if err != nil {
		return err
	}
	if f.ErrorCode != errUnsubscribed || f.To == "" {
		h.log.Debug("sms: delivery status", "status", f.MessageStatus, "error_code", f.ErrorCode, "applied", applied)
		return nil
	}
	// Only a number we know: a callback must not create contacts.
	c, err := h.st.ContactByAddress(ctx, Channel, f.To)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.OptedOut {
		return nil
	}
	err = h.st.InTx(ctx, func(tx *store.Tx) error { return tx.SetContactOptedOut(ctx, c.ID, true) })
	if err != nil {
		return err
	}
	h.log.Info("sms: Twilio reports the recipient unsubscribed; contact opted out", "contact", c.ID)
	return nil
}
