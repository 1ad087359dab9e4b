package flows_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// menuPaths are the number sequences from the main menu to every answer.
var menuPaths = map[string][]string{
	"housing.eviction": {"1", "1"}, "housing.repairs": {"1", "2"}, "housing.retaliation": {"1", "3"},
	"housing.fair": {"1", "4"}, "housing.right": {"1", "5"},
	"homeless.sweeps": {"2", "1"}, "homeless.camping": {"2", "2"}, "homeless.panhandling": {"2", "3"}, "homeless.help": {"2", "4"},
	"discrim.work": {"3", "1"}, "discrim.housing": {"3", "2"}, "discrim.public": {"3", "3"}, "discrim.gov": {"3", "4"},
	"discrim.local_dc": {"3", "5", "20001"}, "discrim.local_eugene": {"3", "5", "97401"},
	"discrim.local_pittsburgh": {"3", "5", "15213"}, "discrim.local_mv": {"3", "5", "94041"},
	"discrim.local_ca": {"3", "5", "90012"}, "discrim.local_hi": {"3", "5", "96813"},
	"discrim.local_or": {"3", "5", "97201"}, "discrim.local_federal": {"3", "5", "10001"},
}

func segmentsOf(replies []flows.Reply) int {
	n := 0
	for _, r := range replies {
		n += locales.MeasureSMS(r.Text).Segments
	}
	return n
}

// walk sends "hi" and then the path, in a new conversation in lang, and
// returns where it ends, how many messages the resident sent and the
// segments of every reply.
func walk(t *testing.T, e *flows.Engine, lang locales.Lang, path []string) (state string, sent, segs int) {
	t.Helper()
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	conv := flows.Conversation{Lang: lang}
	for _, in := range append([]string{"hi"}, path...) {
		at = at.Add(time.Minute)
		res, err := e.Step(conv, flows.Input{Text: in, At: at})
		if err != nil {
			t.Fatal(err)
		}
		conv = res.Conv
		sent++
		segs += segmentsOf(res.Replies)
	}
	return conv.State, sent, segs
}

// Every answer is reached in at most four messages from a new
// conversation in every language, and the closing-note figures are
// printed: `go test ./flows -run ContentFigures -v`.
func TestContentFigures(t *testing.T) {
	e, cat := contentEngine(t)
	msgs := contentMessages(e)
	answers := make([]string, 0, len(menuPaths))
	for a := range menuPaths {
		answers = append(answers, a)
	}
	sort.Strings(answers)
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-8s %-8s %8s %8s %8s %12s %12s %10s\n", "lang", "enc", "messages", "longest", "median", "path max", "path median", "free text")
	for _, l := range locales.All {
		var segs []int
		longestID := ""
		for id := range msgs {
			text, err := cat.Text(l, id, map[string]string{})
			if err != nil {
				t.Fatal(err)
			}
			n := locales.MeasureSMS(text).Segments
			segs = append(segs, n)
			if longestID == "" || n > locales.MeasureSMS(mustText(t, cat, l, longestID)).Segments {
				longestID = id
			}
		}
		sort.Ints(segs)
		var paths []int
		pathMax, pathMaxTo := 0, ""
		for _, a := range answers {
			got, sent, n := walk(t, e, l, menuPaths[a])
			if got != a {
				t.Errorf("%s: path %v ends at %s; want %s", l, menuPaths[a], got, a)
			}
			if sent > 4 {
				t.Errorf("%s: %s takes %d messages; want at most 4", l, a, sent)
			}
			paths = append(paths, n)
			if n > pathMax {
				pathMax, pathMaxTo = n, a
			}
		}
		sort.Ints(paths)
		hits := 0
		for _, c := range freeText[l] {
			if freeTextLands(t, e, l, c.text) == c.want {
				hits++
			}
		}
		enc := "GSM-7"
		if l.UsesUCS2() {
			enc = "UCS-2"
		}
		fmt.Fprintf(&table, "%-8s %-8s %8d %8d %8d %12s %12d %10s   longest: %s\n", l, enc, len(segs), segs[len(segs)-1], segs[len(segs)/2],
			fmt.Sprintf("%d (%s)", pathMax, strings.TrimPrefix(pathMaxTo, "discrim.")), paths[len(paths)/2], fmt.Sprintf("%d/%d", hits, len(freeText[l])), longestID)
	}
	t.Log(table.String())
}

func mustText(t *testing.T, cat *locales.Catalog, l locales.Lang, id string) string {
	t.Helper()
	s, err := cat.Text(l, id, map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
