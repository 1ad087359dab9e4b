package flows

import (
	"fmt"
	"strconv"

	"github.com/rightsline/rightsline/locales"
)

// ChoicesLanguages is the built-in choice source of the language menu: one
// choice per language of the catalog (locales/languages.toml), in its
// order, numbered from 1, labelled with the language's name in itself,
// picked also by its keywords (kw.lang.<code>), setting the language and
// going to the state's next. The state says its own messages and then the
// numbered list (locales.LangMenuID), so a language added to the data is
// on the menu without a flow change.
const ChoicesLanguages = "languages"

// expandLanguageMenus turns every `choices_from: languages` state into
// plain choices before compile checks and links them.
func expandLanguageMenus(defs []*Flow, cat *locales.Catalog) error {
	for _, f := range defs {
		for _, st := range f.States {
			if st.ChoicesFrom != ChoicesLanguages {
				continue
			}
			if st.Next == "" || len(st.Choices) > 0 {
				return &DefinitionError{File: st.file, Line: st.line, Msg: fmt.Sprintf("state %s: choices_from: %s needs next (where a choice goes) and no choices of its own", st.name, ChoicesLanguages)}
			}
			for i, l := range cat.Langs() {
				st.Choices = append(st.Choices, Choice{
					Key:      strconv.Itoa(i + 1),
					Label:    locales.LangNameID(l),
					Keywords: locales.LangKeywordsID(l),
					Go:       st.Next,
					Action:   &Action{SetLanguage: string(l)},
					line:     st.line,
				})
			}
			st.Say = append(st.Say, locales.LangMenuID)
			st.ChoicesFrom, st.Next = "", ""
		}
	}
	return nil
}
