package publicstats

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// attack recovers every withheld number it can from a published table by
// subtraction, over and over, as someone would with a spreadsheet: any
// equation with exactly one unknown gives it away. It returns how many it
// recovered.
func attack(t Table, cells []Cell) int {
	type eq struct {
		total   *Count
		members []*Count
	}
	known := func(c *Count) bool { return !c.Suppressed }
	var eqs []eq
	byQ, byC := map[string][]*Count{}, map[string][]*Count{}
	for i := range t.Cells {
		c := &t.Cells[i].Count
		byQ[t.Cells[i].Quarter] = append(byQ[t.Cells[i].Quarter], c)
		byC[t.Cells[i].Category] = append(byC[t.Cells[i].Category], c)
	}
	qt, ct := map[string]*Count{}, map[string]*Count{}
	var qs, cs []*Count
	for q := range byQ {
		v := t.ByQuarter[q]
		qt[q] = &v
		qs = append(qs, qt[q])
		eqs = append(eqs, eq{qt[q], byQ[q]})
	}
	for c := range byC {
		v := t.ByCategory[c]
		ct[c] = &v
		cs = append(cs, ct[c])
		eqs = append(eqs, eq{ct[c], byC[c]})
	}
	all := t.All
	eqs = append(eqs, eq{&all, qs}, eq{&all, cs})
	recovered := 0
	for progress := true; progress; {
		progress = false
		for _, e := range eqs {
			var unknown []*Count
			if !known(e.total) {
				unknown = append(unknown, e.total)
			}
			for _, m := range e.members {
				if !known(m) {
					unknown = append(unknown, m)
				}
			}
			if len(unknown) != 1 {
				continue
			}
			// Solve it (the value does not matter, only that it can be).
			unknown[0].Suppressed = false
			recovered++
			progress = true
		}
	}
	return recovered
}

func checkTable(t *testing.T, name string, cells []Cell, threshold int) Table {
	t.Helper()
	tab := Suppress(cells, threshold)
	small := func(what string, c Count) {
		if !c.Suppressed && c.N > 0 && c.N < threshold {
			t.Errorf("%s: %s published as %d, under the threshold %d", name, what, c.N, threshold)
		}
	}
	for _, c := range tab.Cells {
		small(fmt.Sprint(c.Key), c.Count)
	}
	for q, c := range tab.ByQuarter {
		small("quarter "+q, c)
	}
	for k, c := range tab.ByCategory {
		small("category "+k, c)
	}
	small("all", tab.All)
	if n := attack(tab, cells); n > 0 {
		t.Errorf("%s: %d withheld numbers can be worked out from the totals", name, n)
	}
	return tab
}

// TestSuppressExample: a small table by hand. One 3 in Q1 would be the
// Q1 total minus the 7, so the 7 is withheld too.
func TestSuppressExample(t *testing.T) {
	cells := []Cell{
		{Key{"housing", "dc", "2026-Q1", "en"}, 7},
		{Key{"housing", "dc", "2026-Q1", "es"}, 3},
		{Key{"housing", "dc", "2026-Q2", "en"}, 12},
		{Key{"employment", "dc", "2026-Q2", "en"}, 9},
		{Key{"employment", "dc", "2026-Q2", "ko"}, 6},
	}
	tab := checkTable(t, "example", cells, 5)
	got := map[string]Count{}
	for _, c := range tab.Cells {
		got[c.Quarter+" "+c.Category+" "+c.Lang] = c.Count
	}
	if !got["2026-Q1 housing es"].Suppressed || !got["2026-Q1 housing en"].Suppressed {
		t.Errorf("the 3 and its complement 7 must be withheld: %v", got)
	}
	if got["2026-Q2 employment en"].N != 9 || got["2026-Q2 employment ko"].N != 6 {
		t.Errorf("cells of 9 and 6 with no small neighbour must be published: %v", got)
	}
	if tab.All.N != 37 {
		t.Errorf("overall total = %+v, want 37", tab.All)
	}
}

// TestSuppressNeverLeaks: thousands of random tables, sparse and dense,
// at thresholds 3, 5 and 10: no published count is under the threshold
// and no withheld one can be worked out from the others.
func TestSuppressNeverLeaks(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2026))
	cats := []string{"housing", "employment", "public-place", "government"}
	places := []string{"dc", "pittsburgh-pa", "hi"}
	quarters := []string{"2026-Q1", "2026-Q2", "2026-Q3"}
	langs := []string{"en", "es", "ko", "am"}
	for i := range 3000 {
		var cells []Cell
		density := rng.Float64()
		for _, c := range cats {
			for _, p := range places {
				for _, q := range quarters {
					for _, l := range langs {
						if rng.Float64() < density {
							n := 1 + rng.IntN(12)
							if rng.IntN(4) == 0 {
								n = 1 + rng.IntN(3)
							}
							cells = append(cells, Cell{Key{c, p, q, l}, n})
						}
					}
				}
			}
		}
		threshold := []int{3, 5, 10}[i%3]
		checkTable(t, fmt.Sprintf("table %d", i), cells, threshold)
	}
}

// TestSuppressThresholdFloor: a threshold under MinThreshold is raised.
func TestSuppressThresholdFloor(t *testing.T) {
	tab := Suppress([]Cell{{Key{"housing", "dc", "2026-Q1", "en"}, 2}, {Key{"housing", "dc", "2026-Q1", "es"}, 9}}, 1)
	for _, c := range tab.Cells {
		if !c.Suppressed {
			t.Errorf("threshold 1 must act as %d: %+v published", MinThreshold, c)
		}
	}
}
