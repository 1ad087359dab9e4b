package jurisdiction

import (
	"os"
	"testing"

	"github.com/rightsline/rightsline/locales"
)

// Every trait and place named in the data file has its message in every
// language, so the intake flow can list a jurisdiction's traits.
func TestTraitAndPlaceMessagesExist(t *testing.T) {
	cat, _, err := locales.LoadFS(os.DirFS("../../locales"), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range All() {
		ids := []string{"place." + j.ID}
		for _, tr := range j.Traits {
			ids = append(ids, TraitMessageID(tr))
		}
		for _, id := range ids {
			for _, l := range locales.All {
				m, ok := cat.Lookup(l, id)
				if !ok || m.Text == "" {
					t.Errorf("%s: message %q missing", l, id)
					continue
				}
				if l != locales.English {
					en, _ := cat.Lookup(locales.English, id)
					if m.Review != "draft" || m.SourceHash != en.Hash() {
						t.Errorf("%s %s: review %q hash %q; want draft and the English hash", l, id, m.Review, m.SourceHash)
					}
				}
			}
		}
	}
	for _, l := range locales.All {
		if len(cat.Keywords(l, UnknownKeywords)) == 0 {
			t.Errorf("%s: %s is empty", l, UnknownKeywords)
		}
	}
}

// The validator understands "don't know" in the resident's language.
func TestValidatorUnknown(t *testing.T) {
	cat, _, err := locales.LoadFS(os.DirFS("../../locales"), true)
	if err != nil {
		t.Fatal(err)
	}
	v := Validator()
	for l, in := range map[locales.Lang]string{locales.English: "Don't know", locales.Spanish: "no sé", locales.Korean: "모르겠어요", locales.ChineseTraditional: "不知道", locales.Amharic: "አላውቅም"} {
		if got, ok := v(in, l, testNow, cat); !ok || got != Federal {
			t.Errorf("%s %q = %q, %v; want federal", l, in, got, ok)
		}
	}
}
