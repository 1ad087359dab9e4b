package console

import (
	"bufio"
	"context"
	_ "embed"
	"runtime"
	"strings"
	"time"
	"unicode"

	"github.com/rightsline/rightsline/store"
)

// Sign-in limits, counted in the store so every instance shares them.
var (
	// LimitLoginIP bounds sign-in attempts from one client address,
	// whatever the accounts tried.
	LimitLoginIP = store.Limit{Name: "login-ip", Max: 10, Window: time.Minute}
	// LimitLoginIPHour bounds a slow guesser from one address.
	LimitLoginIPHour = store.Limit{Name: "login-ip-hour", Max: 60, Window: time.Hour}
)

// Growing per-account delay, instead of a lockout anyone who knows an
// email could trigger: after FreeFailedLogins wrong passwords in a row,
// each attempt on the account waits 1s, 2s, 4s … up to MaxLoginDelay
// before the password is checked. The right password always works (after
// the wait), so nobody can keep a member out; a guesser gets a few
// guesses a minute per address (LimitLoginIP) and slower ones per account.
const (
	FreeFailedLogins = 3
	MaxLoginDelay    = 10 * time.Second
)

// loginDelay is the wait before checking a password for an account with
// failures wrong passwords in a row.
func loginDelay(failures int) time.Duration {
	if failures < FreeFailedLogins {
		return 0
	}
	n := failures - FreeFailedLogins
	if n > 8 {
		return MaxLoginDelay
	}
	d := time.Second << n
	if d > MaxLoginDelay {
		d = MaxLoginDelay
	}
	return d
}

// hashSlots bounds the bcrypt work running at once: at most half the
// cores (at least one) hash passwords, so a flood of sign-ins (bogus or
// not) queues here instead of taking the CPU the webhooks need.
var hashSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))

// hashWaitMax is how long a sign-in waits for a hashing slot before it is
// refused as busy (a flood; a person retries).
const hashWaitMax = 5 * time.Second

// errBusy is the answer when no hashing slot frees up in time.
var errBusy = errorf(ETOOMANY, "The console is busy. Please wait a moment and try again.")

// withHashSlot runs fn holding a hashing slot.
func withHashSlot(ctx context.Context, fn func()) error {
	t := time.NewTimer(hashWaitMax)
	defer t.Stop()
	select {
	case hashSlots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return errBusy
	}
	defer func() { <-hashSlots }()
	fn()
	return nil
}

//go:embed data/common-passwords.txt
var commonPasswordsFile string

// commonPasswords is the set read from data/common-passwords.txt.
var commonPasswords = func() map[string]bool {
	set := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsFile))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			set[strings.ToLower(line)] = true
		}
	}
	return set
}()

// leet undoes the usual letter-for-digit swaps.
var leet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s", "!", "i")

// weakPassword reports why password is too easy to guess ("" if it is
// not): one of the common passwords (also with digits and symbols added
// at the ends, letters swapped for digits, or repeated), too few distinct
// characters ("aaaaaaaaaaaa"), or a run along the keyboard or alphabet.
func weakPassword(password, email string) string {
	p := strings.ToLower(password)
	if commonPasswords[p] {
		return "It is one of the most common passwords."
	}
	notLetter := func(r rune) bool { return !unicode.IsLetter(r) }
	core := strings.TrimFunc(p, notLetter)
	for _, cand := range []string{core, strings.TrimFunc(leet.Replace(core), notLetter), strings.TrimFunc(leet.Replace(p), notLetter)} {
		if cand == "" {
			continue
		}
		if commonPasswords[cand] || commonPasswords[strings.ReplaceAll(cand, " ", "")] {
			return "It is a common password with a few characters added."
		}
		for n := 1; n <= len(cand)/2; n++ {
			if len(cand)%n == 0 && strings.Repeat(cand[:n], len(cand)/n) == cand && commonPasswords[cand[:n]] {
				return "It is a common password repeated."
			}
		}
	}
	distinct := map[rune]bool{}
	for _, r := range p {
		distinct[r] = true
	}
	if len(distinct) < 5 {
		return "It uses too few different characters."
	}
	if isRun(p) {
		return "It is a run of keys or letters."
	}
	if local, _, ok := strings.Cut(strings.ToLower(email), "@"); ok && len(local) >= 4 && strings.Contains(p, local) && 2*len(local) >= len(p) {
		return "It is mostly your email address."
	}
	return ""
}

// isRun reports whether s (ignoring spaces) is a stretch of one of the
// keyboard rows, the alphabet or the digits, forwards or backwards.
func isRun(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	for _, seq := range []string{"abcdefghijklmnopqrstuvwxyz", "01234567890123456789", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p"} {
		rev := []rune(seq)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		if strings.Contains(seq+seq, s) || strings.Contains(string(rev)+string(rev), s) {
			return true
		}
	}
	return false
}
