package discord

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// maxBody bounds an interaction payload. The largest Discord sends carries
// the message a button was clicked on (2,000 characters and its
// components) plus resolved users; 256 KiB leaves ample room.
const maxBody = 256 << 10

// replayWindow is how far an interaction's signed timestamp may be from
// now. discordgo checks the signature but not its age, so a captured
// request could otherwise be replayed forever.
const replayWindow = 5 * time.Minute

var (
	errBadSignature = errors.New("discord: bad signature")
	errStale        = errors.New("discord: timestamp outside the replay window")
)

// readVerified reads the body (at most maxBody) and checks, in this order,
// its size, its Ed25519 signature over timestamp+body and the timestamp's
// age. The status to answer on failure comes with the error.
func (b *Bot) readVerified(w http.ResponseWriter, r *http.Request) ([]byte, int, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, err
		}
		return nil, http.StatusBadRequest, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !discordgo.VerifyInteraction(r, b.publicKey) {
		return nil, http.StatusUnauthorized, errBadSignature
	}
	// The timestamp is part of what was signed, so once the signature
	// holds it can be trusted to say when Discord sent the request.
	sec, err := strconv.ParseInt(r.Header.Get("X-Signature-Timestamp"), 10, 64)
	if err != nil {
		return nil, http.StatusUnauthorized, errStale
	}
	if d := b.now().Sub(time.Unix(sec, 0)); d > replayWindow || d < -replayWindow {
		return nil, http.StatusUnauthorized, errStale
	}
	return body, 0, nil
}
