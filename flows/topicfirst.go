package flows

import (
	"strings"

	"github.com/rightsline/rightsline/locales"
)

// topicFirst reports whether free text sent at a menu should go to a topic
// (an answer) rather than to the menu choice whose keyword it merely
// contains. "My landlord changed the locks" holds the housing keyword
// "landlord", but the eviction answer is what the person asked for. A
// choice's key ("1") or a message that is exactly one of its keywords
// ("housing") still picks the choice, and so does a choice that answers a
// question (one that sets a variable: "the city cops" at "who did this?").
func (ix *matchIndex) topicFirst(st *State, lang locales.Lang, folded string) bool {
	if st.Kind != "menu" {
		return false
	}
	key := strings.TrimLeft(strings.TrimRight(folded, ".)）。 "), "#")
	if _, ok := matchNumber(folded); ok {
		return false
	}
	for i := range st.Choices {
		if st.Choices[i].Key == key {
			return false
		}
	}
	m := ix.topics.classify(lang, folded)
	if _, exact := ix.choices[st.name][lang][folded]; exact {
		// A menu keyword that is also exactly one answer's keyword,
		// which the scores alone give with a high confidence ("sweep",
		// "清场": the sweeps answer, not the homelessness menu), is
		// that answer.
		return m.exact && m.sure
	}
	return m.level >= levelClose
}
