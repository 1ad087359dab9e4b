package web

import (
	"context"
	"strconv"

	"github.com/rightsline/rightsline/bot/outbox"
	"github.com/rightsline/rightsline/store"
)

// Sender delivers outbox messages (staff updates) to people who use the
// simulator or the terminal chat: they read their stored conversation, so
// delivering is adding the message to it. The /try page polls for new
// messages; `rightsline chat` shows them when it starts.
//
// A crash between adding the message and the dispatcher marking the row
// sent can deliver it twice; the dispatcher's lease makes that rare, and a
// repeated update is harmless here, unlike a lost one.
func Sender(st *store.Store) outbox.Sender {
	return outbox.SenderFunc(func(ctx context.Context, o store.Outbound) (string, error) {
		m := store.Message{ContactID: o.ContactID, Direction: store.DirectionOut, Channel: o.Channel, Body: o.Body, Status: "delivered"}
		err := st.InTx(ctx, func(tx *store.Tx) error { return tx.InsertMessage(ctx, &m) })
		if err != nil {
			return "", err
		}
		return o.Channel + "-" + strconv.FormatInt(m.ID, 10), nil
	})
}
