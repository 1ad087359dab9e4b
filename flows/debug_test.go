package flows_test

import (
	"os"
	"testing"

	"github.com/rightsline/rightsline/locales"
)

// RIGHTSLINE_CLASSIFY="text" go test ./flows -run TestClassifyOne -v shows
// how the matcher reads one text (RIGHTSLINE_LANG picks the language).
func TestClassifyOne(t *testing.T) {
	txt := os.Getenv("RIGHTSLINE_CLASSIFY")
	if txt == "" {
		t.Skip("set RIGHTSLINE_CLASSIFY")
	}
	e, _ := contentEngine(t)
	l := locales.Lang(os.Getenv("RIGHTSLINE_LANG"))
	if l == "" {
		l = locales.English
	}
	t.Logf("%q: %+v", locales.MatchFold(txt), e.ClassifyTopic(l, txt))
}
