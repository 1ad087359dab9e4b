package intake_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestEditedEraseWordTakesEffect: a translator's edit of the erasure
// words applies to the next message (the interceptors' index of every
// language's words is rebuilt), and removing the edit takes the word away.
func TestEditedEraseWordTakesEffect(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		r := withInterceptors(newRig(t, st))
		const word = "bórrenme ya"
		erases := func(phone string) bool {
			r.must("sms", phone, locales.Spanish, "hola")
			out := r.must("sms", phone, locales.Spanish, "BÓRRENME   ya!")
			return out.Intercepted && len(out.Replies) == 1 && out.Replies[0].ID == intake.MsgEraseConfirm
		}
		if erases("+12025550601") {
			t.Fatalf("%q asks for erasure before any edit", word)
		}
		en, ok := r.cat.Lookup(locales.Source, "kw.privacy.erase")
		if !ok {
			t.Fatal("no kw.privacy.erase")
		}
		text := strings.Join(r.cat.Keywords(locales.Spanish, "kw.privacy.erase"), ", ") + ", " + word
		if n, skipped := r.cat.ApplyEdits([]locales.Edit{{Lang: locales.Spanish, ID: "kw.privacy.erase", Text: text, SourceHash: en.Hash()}}); n != 1 {
			t.Fatalf("edit not applied: %v", skipped)
		}
		if !erases("+12025550602") {
			t.Fatalf("the edited word %q does not ask for erasure", word)
		}
		r.cat.ApplyEdits(nil)
		if erases(fmt.Sprintf("+1202555%04d", 603)) {
			t.Fatalf("%q still asks for erasure once the edit is removed", word)
		}
	})
}
