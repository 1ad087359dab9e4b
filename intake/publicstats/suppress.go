// Package publicstats publishes, for the commissions that opted in, counts
// of reports by category × place × quarter × language, for shadow reports
// (CERD, the Universal Periodic Review), as a page, CSV and JSON. Nothing
// else leaves: no free text, no references, no dates finer than a quarter.
//
// Small counts identify people (a cell of 1 in a small place is a person),
// so every count from 1 to Threshold−1 is withheld (primary suppression),
// and then more counts are withheld until none of the withheld ones can
// be worked out from the published totals (complementary suppression, see
// Suppress).
package publicstats

import "sort"

// DefaultThreshold is the smallest count published: counts of 1 to 4 are
// withheld. See docs/console.md for why 5.
const DefaultThreshold = 5

// MinThreshold is the lowest threshold a deployment may set: below 3 a
// published cell of 2 lets either person recognise the other.
const MinThreshold = 3

// Key names one cell.
type Key struct {
	Category, Place, Quarter, Lang string
}

// Cell is one count of reports.
type Cell struct {
	Key
	N int
}

// Count is a published number: N, unless Suppressed (then N is 0 in
// anything published).
type Count struct {
	N          int
	Suppressed bool
}

// Table is a commission's statistics after suppression: the cells and the
// totals by quarter, by category and overall.
type Table struct {
	Cells      []TableCell
	ByQuarter  map[string]Count
	ByCategory map[string]Count
	All        Count
}

// TableCell is a cell as published.
type TableCell struct {
	Key
	Count
}

// item is one number of the table, cell or total, in the equations.
type item struct {
	n          int
	suppressed bool
	cell       bool
}

// Suppress withholds every count below threshold and then, until no
// withheld count can be recovered by subtraction, more counts.
//
// The published numbers satisfy these equations: each quarter's total is
// the sum of its cells, each category's total the sum of its cells, and
// the overall total the sum of the quarter totals and of the category
// totals. (Cells not listed are known zeros.) Whenever one equation has
// exactly one withheld number, that number is the total minus the others,
// so one more of its numbers is withheld: the smallest published cell of
// the equation, or its total when it has none. This repeats until every
// equation has no withheld number or at least two.
func Suppress(cells []Cell, threshold int) Table {
	if threshold < MinThreshold {
		threshold = MinThreshold
	}
	items := make([]*item, 0, len(cells))
	byQ, byC := map[string]*item{}, map[string]*item{}
	qMembers, cMembers := map[string][]*item{}, map[string][]*item{}
	all := &item{}
	for _, c := range cells {
		if c.N <= 0 {
			continue
		}
		it := &item{n: c.N, cell: true}
		items = append(items, it)
		if byQ[c.Quarter] == nil {
			byQ[c.Quarter] = &item{}
		}
		if byC[c.Category] == nil {
			byC[c.Category] = &item{}
		}
		byQ[c.Quarter].n += c.N
		byC[c.Category].n += c.N
		all.n += c.N
		qMembers[c.Quarter] = append(qMembers[c.Quarter], it)
		cMembers[c.Category] = append(cMembers[c.Category], it)
	}
	type equation struct {
		total   *item
		members []*item
	}
	var eqs []equation
	var qTotals, cTotals []*item
	for _, q := range sortedKeys(byQ) {
		eqs = append(eqs, equation{byQ[q], qMembers[q]})
		qTotals = append(qTotals, byQ[q])
	}
	for _, c := range sortedKeys(byC) {
		eqs = append(eqs, equation{byC[c], cMembers[c]})
		cTotals = append(cTotals, byC[c])
	}
	eqs = append(eqs, equation{all, qTotals}, equation{all, cTotals})

	// Primary suppression: every small number, cell or total.
	every := append(append(append([]*item{all}, items...), qTotals...), cTotals...)
	for _, it := range every {
		if it.n > 0 && it.n < threshold {
			it.suppressed = true
		}
	}
	// Complementary suppression, to a fixed point. Each round withholds
	// at least one more number, so it ends.
	for changed := true; changed; {
		changed = false
		for _, e := range eqs {
			withheld := 0
			if e.total.suppressed {
				withheld++
			}
			for _, m := range e.members {
				if m.suppressed {
					withheld++
				}
			}
			if withheld != 1 {
				continue
			}
			var pick *item
			for _, m := range e.members {
				if !m.suppressed && (pick == nil || m.n < pick.n) {
					pick = m
				}
			}
			if pick == nil {
				pick = e.total
			}
			pick.suppressed = true
			changed = true
		}
	}
	t := Table{ByQuarter: map[string]Count{}, ByCategory: map[string]Count{}, All: count(all)}
	i := 0
	for _, c := range cells {
		if c.N <= 0 {
			continue
		}
		t.Cells = append(t.Cells, TableCell{Key: c.Key, Count: count(items[i])})
		i++
	}
	for q, it := range byQ {
		t.ByQuarter[q] = count(it)
	}
	for c, it := range byC {
		t.ByCategory[c] = count(it)
	}
	sort.Slice(t.Cells, func(a, b int) bool { return less(t.Cells[a].Key, t.Cells[b].Key) })
	return t
}

func count(it *item) Count {
	if it.suppressed {
		return Count{Suppressed: true}
	}
	return Count{N: it.n}
}

func less(a, b Key) bool {
	if a.Quarter != b.Quarter {
		return a.Quarter < b.Quarter
	}
	if a.Category != b.Category {
		return a.Category < b.Category
	}
	if a.Place != b.Place {
		return a.Place < b.Place
	}
	return a.Lang < b.Lang
}

func sortedKeys(m map[string]*item) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
