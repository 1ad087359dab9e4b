package bottest

import (
	"testing"

	"github.com/rightsline/rightsline/locales"
)

func TestInLanguage(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	en, _ := cat.Text(locales.English, "main.menu", nil)
	es, _ := cat.Text(locales.Spanish, "main.menu", nil)
	long, err := cat.Text(locales.Spanish, "common.too_long", map[string]string{"max": "1500"})
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]bool{es: true, long + "\n\n" + es: true, es + "\n\n" + long: true, es + "\n\n" + es: true, en: false, es + "\n\nerror": false, "": false, "internal error": false} {
		if got := InLanguage(cat, locales.Spanish, text); got != want {
			t.Errorf("InLanguage(es, %q) = %v, want %v", text, got, want)
		}
	}
}
