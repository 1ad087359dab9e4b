package flows

import "math/bits"

// featTable maps feature hashes to small values (a row of weights, a
// concept's index), for the lookups classifying a message does for every
// feature: open addressing over power-of-two arrays, the hash itself as
// the key (features are hashes already; none is 0, the low bits being the
// kind). It is built once and only read after, so it needs no lock.
type featTable struct {
	keys  []uint64 // 0: empty slot
	vals  []int32
	shift uint8
}

// newFeatTable builds a table holding m, at most half full.
func newFeatTable(m map[uint64]int32) featTable {
	size := 8
	for size < 2*len(m) {
		size *= 2
	}
	t := featTable{keys: make([]uint64, size), vals: make([]int32, size), shift: uint8(64 - bits.TrailingZeros(uint(size)))}
	mask := uint64(size - 1)
	for k, v := range m {
		if k == 0 {
			panic("flows: feature hash 0")
		}
		i := t.slot(k)
		for t.keys[i] != 0 {
			i = (i + 1) & mask
		}
		t.keys[i], t.vals[i] = k, v
	}
	return t
}

// slot is where the probe for k starts (Fibonacci hashing: the high bits
// of k times 2^64/φ).
func (t *featTable) slot(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> t.shift }

// get returns the value of k.
func (t *featTable) get(k uint64) (int32, bool) {
	if len(t.keys) == 0 {
		return 0, false
	}
	mask := uint64(len(t.keys) - 1)
	for i := t.slot(k); ; i = (i + 1) & mask {
		switch t.keys[i] {
		case k:
			return t.vals[i], true
		case 0:
			return 0, false
		}
	}
}

// has reports whether the table holds k.
func (t *featTable) has(k uint64) bool { _, ok := t.get(k); return ok }
