package sms

import (
	"io"
	"net/http"

	"github.com/twilio/twilio-go/twiml"
)

// writeTwiML answers the webhook with the replies as one message each,
// split further where one is longer than Twilio's 1600 characters. No
// replies is an empty <Response/>: Twilio then sends nothing.
func (h *Handler) writeTwiML(w http.ResponseWriter, replies []string) {
	var verbs []twiml.Element
	for _, rep := range replies {
		for _, part := range parts(rep) {
			verbs = append(verbs, twiml.MessagingMessage{
				Body: part,
				// Twilio posts this reply's delivery statuses (and a
				// 21610 if the number is unsubscribed) there. The method
				// is left at its default, POST: twilio-go writes
				// attributes in map order, and one attribute keeps a
				// retried webhook's answer byte-identical.
				Action: h.cfg.publicURL(StatusPath),
			})
		}
	}
	doc, err := twiml.Messages(verbs)
	if err != nil {
		h.log.Error("sms: rendering TwiML", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, doc)
}
