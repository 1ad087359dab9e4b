package console

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// bcryptCost is the work factor of stored hashes (a quarter of a second a
// check on one core: slow for a guesser, unnoticed by a person signing
// in). Tests lower it.
var bcryptCost = 12

// maxPasswordBytes is bcrypt's input limit; longer input is refused
// rather than silently cut.
const maxPasswordBytes = 72

// HashPassword returns the bcrypt hash of password, computed in the
// hashing pool (see withHashSlot).
func HashPassword(password string) (string, error) {
	if len(password) > maxPasswordBytes {
		return "", errorf(EINVALID, "A password may be at most %d bytes long.", maxPasswordBytes)
	}
	var h []byte
	var err error
	if perr := withHashSlot(context.Background(), func() { h, err = bcrypt.GenerateFromPassword([]byte(password), bcryptCost) }); perr != nil {
		return "", perr
	}
	if err != nil {
		return "", fmt.Errorf("console: hash password: %w", err)
	}
	return string(h), nil
}

// dummyHash is compared against when an email is unknown, so a wrong email
// takes as long as a wrong password. It is made on first use rather than
// when a console is built: a hash at bcryptCost is about a quarter of a
// second of CPU, which every process start and every test building a
// console paid before. It is taken on every sign-in (known email or not),
// so the one slow first time says nothing about the email.
var dummyHash = sync.OnceValue(func() []byte {
	h, err := bcrypt.GenerateFromPassword([]byte("rightsline-dummy-password-for-timing"), bcryptCost)
	if err != nil {
		// Only an out-of-range bcryptCost fails here: a programming error.
		panic(fmt.Sprintf("console: dummy hash: %v", err))
	}
	return h
})

// checkPassword reports whether password matches hash, in time that does
// not depend on where they differ. It waits for a slot in the hashing
// pool; errBusy (or the request's end) if none frees up in time.
func (c *Console) checkPassword(ctx context.Context, hash []byte, password string) (bool, error) {
	if len(password) > maxPasswordBytes {
		return false, nil
	}
	ok := false
	err := withHashSlot(ctx, func() { ok = bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil })
	return ok, err
}

// validNewPassword says what is wrong with a password someone chose, or
// returns nil.
func validNewPassword(password, email string) error {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return errorf(EINVALID, "Choose a password of at least %d characters.", MinPasswordLength)
	case len(password) > maxPasswordBytes:
		return errorf(EINVALID, "A password may be at most %d bytes long.", maxPasswordBytes)
	}
	if why := weakPassword(password, email); why != "" {
		return errorf(EINVALID, "Choose a password that is harder to guess: %s A few unrelated words make a good one.", why)
	}
	return nil
}

// onePasswordAlphabet avoids letters and digits that are easy to confuse
// when a password is read aloud or copied from a screen (0/O, 1/l/I).
const onePasswordAlphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewOneTimePassword returns a random 20-character password (about 115
// bits) for a new account or a reset; its holder must replace it at the
// first sign-in.
func NewOneTimePassword() string {
	const n = 20
	b := make([]byte, n)
	for i := range b {
		b[i] = onePasswordAlphabet[randIntn(len(onePasswordAlphabet))]
	}
	return string(b)
}

// randIntn returns a uniform random int in [0, n) from crypto/rand.
func randIntn(n int) int {
	// Rejection sampling over one byte avoids modulo bias; n is small.
	limit := 256 - 256%n
	var b [1]byte
	for {
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}
