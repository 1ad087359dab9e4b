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

// ChoicesVariants is the built-in choice source of the question a first
// message gets when it is in a language written in more than one script
// and does not tell which ("您好"): the state is a template, made into one
// state per variant_of group of locales/languages.toml, named
// <state>_<group> (main.lang_variants_zh), saying locales.LangVariantsID
// (the question and the numbered variants), its choices the variants
// (labelled with their names, picked also by their keywords), each setting
// the language and going to the state's next. A language added to the
// data with variant_of gets its question without a flow change.
const ChoicesVariants = "variants"

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
			st.Choices = languageChoices(cat.Langs(), st)
			st.Say = append(st.Say, locales.LangMenuID)
			st.ChoicesFrom, st.Next = "", ""
		}
		for key, st := range f.States {
			if st.ChoicesFrom != ChoicesVariants {
				continue
			}
			if st.Next == "" || len(st.Choices) > 0 || len(st.Say) > 0 {
				return &DefinitionError{File: st.file, Line: st.line, Msg: fmt.Sprintf("state %s: choices_from: %s needs next (where a choice goes), and no choices or say of its own", st.name, ChoicesVariants)}
			}
			delete(f.States, key)
			for _, g := range cat.VariantGroups() {
				name := key + "_" + g
				if _, dup := f.States[name]; dup {
					return &DefinitionError{File: st.file, Line: st.line, Msg: fmt.Sprintf("state %s.%s is made from %s and written in the flow too", f.ID, name, st.name)}
				}
				v := &State{Kind: st.Kind, Say: []string{locales.LangVariantsID(g)}, name: f.ID + "." + name, file: st.file, line: st.line}
				v.Choices = languageChoices(cat.Variants(g), st)
				f.States[name] = v
			}
		}
	}
	return nil
}

// languageChoices is one numbered choice per language of langs, each
// labelled with the language's name in itself, answering to its words,
// setting it and going on to st's next state.
func languageChoices(langs []locales.Lang, st *State) []Choice {
	cs := make([]Choice, 0, len(langs))
	for i, l := range langs {
		cs = append(cs, Choice{
			Key:      strconv.Itoa(i + 1),
			Label:    locales.LangNameID(l),
			Keywords: locales.LangKeywordsID(l),
			Go:       st.Next,
			Action:   &Action{SetLanguage: string(l)},
			line:     st.line,
		})
	}
	return cs
}
