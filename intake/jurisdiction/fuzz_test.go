package jurisdiction

import (
	"strings"
	"testing"
)

// FuzzLookup reads any text as a ZIP code or a place: a ZIP found is five
// ASCII digits that the text holds (in ASCII or full-width digits), and a
// jurisdiction found is one of the table's. The seed corpus runs in every
// `go test`; explore with
//
//	go test ./intake/jurisdiction -run '^$' -fuzz FuzzLookup -fuzztime 1m
func FuzzLookup(f *testing.F) {
	for _, s := range []string{
		"20001", "20001-1234", "my zip is 15235", "２０００１", "00000", "123456", "202-555-0100",
		"Pittsburgh", "Washington, D.C.", "华盛顿", "워싱턴 DC", "Honolulu, HI", "Eugene OR", "mountain view ca",
		"Springfield", "pa", "", "'", "d.c.", "ሆኖሉሉ", "\xff", "Pittsburgh, California",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if zip, ok := FindZIP(s); ok {
			if len(zip) != 5 || strings.Trim(zip, "0123456789") != "" || zip == "00000" {
				t.Fatalf("FindZIP(%q) = %q", s, zip)
			}
		}
		j, ok := Lookup(s)
		if !ok {
			return
		}
		if _, known := ByID(j.ID); !known {
			t.Fatalf("Lookup(%q) = %q, not in the table", s, j.ID)
		}
		if len(Chain(j.ID)) == 0 {
			t.Fatalf("Lookup(%q) = %q has no chain of commissions", s, j.ID)
		}
		if zip, isZIP := FindZIP(s); isZIP {
			if city, mixed := CityLineOf(zip); mixed {
				if _, known := ByID(city); !known {
					t.Fatalf("CityLineOf(%q) = %q, not in the table", zip, city)
				}
			}
		}
	})
}
