package jurisdiction

import (
	"slices"
	"testing"
	"time"
)

func TestLookupZIP(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"20001", DC}, {"20099", DC}, {"20201", DC}, {"20599", DC}, {"20009-1234", DC}, {"20597", DC},
		{"20101", Federal}, // Northern Virginia
		{"20598", Federal}, // TSA, Springfield, Virginia
		{"20600", Federal},
		{"15213", Pittsburgh}, {"15201", Pittsburgh}, {"15106", Pennsylvania}, {"19104", Pennsylvania},
		// Suburbs of Pittsburgh are Allegheny County, not the city.
		{"15228", Allegheny}, {"15241", Allegheny}, {"15239", Allegheny}, {"15238", Allegheny},
		// Mixed ZIPs start on the county (safe) side until the resident answers.
		{"15235", Allegheny}, {"15237", Allegheny}, {"15202", Allegheny}, {"15221", Allegheny},
		{"19700", Federal}, // Delaware
		{"97401", Eugene}, {"97408", Eugene}, {"97440", Eugene}, {"97409", Oregon}, {"97477", Oregon}, {"97201", Oregon},
		{"94035", California}, // Moffett Field, federal land
		{"94039", MountainView}, {"94043", MountainView}, {"94044", California},
		{"94040", MountainView}, {"90012", California}, {"96199", California}, {"96200", Federal},
		{"96813", Hawaii}, {"96701", Hawaii}, {"96798", Hawaii}, {"96800", Hawaii}, {"96900", Federal},
		{"96799", Federal}, // American Samoa
		{"10001", Federal}, {"60601", Federal},
		{"my zip is 20002", DC}, {"２０００１", DC}, {" 97403 ", Eugene},
	}
	for _, c := range cases {
		j, ok := Lookup(c.in)
		if !ok || j.ID != c.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", c.in, j.ID, ok, c.want)
		}
	}
}

func TestLookupName(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"Washington DC", DC}, {"washington, d.c.", DC}, {"DC", DC}, {"I live in DC", DC},
		{"华盛顿", DC}, {"華盛頓", DC}, {"워싱턴", DC}, {"워싱턴 DC에 살아요", DC}, {"ዋሺንግተን", DC}, {"ዋሽንግተን ዲሲ", DC},
		{"Hoa Thịnh Đốn", DC}, {"Distrito de Columbia", DC},
		{"Pittsburgh", Pittsburgh}, {"pittsburgh pa", Pittsburgh}, {"匹兹堡", Pittsburgh}, {"피츠버그", Pittsburgh},
		{"Philadelphia", Pennsylvania}, {"Pensilvania", Pennsylvania},
		{"Eugene, Oregon", Eugene}, {"eugene", Eugene}, {"尤金", Eugene},
		{"Oregon", Oregon}, {"Orégon", Oregon},
		{"Mountain View", MountainView}, {"mountain view, ca", MountainView}, {"山景城", MountainView}, {"마운틴뷰", MountainView},
		{"Los Angeles", California}, {"Californie", California}, {"加州", California},
		{"Honolulu", Hawaii}, {"Hawaiʻi", Hawaii}, {"夏威夷", Hawaii}, {"하와이", Hawaii},
		{"Pittsburgh, Pennsylvania", Pittsburgh}, {"Los Angeles, California", California},
		// Washington State is not DC.
		{"Seattle, Washington", Federal}, {"华盛顿州", Federal}, {"華盛頓州西雅圖", Federal}, {"워싱턴주", Federal},
		{"washington state", Federal},
		// Allegheny County outside the city, and state abbreviations.
		{"Mt Lebanon", Allegheny}, {"Mt. Lebanon, PA", Allegheny}, {"mount lebanon", Allegheny},
		{"Wilkinsburg PA", Allegheny}, {"Allegheny County", Allegheny}, {"Bethel Park", Allegheny},
		{"Oakland, Pittsburgh", Pittsburgh}, {"Pittsburgh, Allegheny County", Pittsburgh},
		{"Hilo", Hawaii}, {"Maui", Hawaii}, {"Kailua-Kona", Hawaii}, {"Hilo, HI", Hawaii},
		{"Portland", Oregon}, {"Portland OR", Oregon}, {"Springfield OR", Oregon}, {"springfield, or", Oregon},
		{"Portland, Maine", Federal}, {"Portland ME", Federal}, {"Springfield IL", Federal}, {"Chicago, IL", Federal},
		{"Oakland", California}, {"Sunnyvale", California}, {"Sunnyvale CA", California},
		{"Pittsburg CA", California}, // the California city, not Pittsburgh
		{"Harrisburg", Pennsylvania}, {"Erie PA", Pennsylvania}, {"Hershey, PA", Pennsylvania},
	}
	for _, c := range cases {
		j, ok := Lookup(c.in)
		if !ok || j.ID != c.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", c.in, j.ID, ok, c.want)
		}
	}
}

func TestLookupRefuses(t *testing.T) {
	for _, in := range []string{"", "   ", "hello", "2000", "200011", "00000", "Chicago", "dcx", "abcdc", "202-727-4559", "Washington",
		"HI", "hi", "or", "Springfield", "springfield or", "say hi"} {
		if j, ok := Lookup(in); ok {
			t.Errorf("Lookup(%q) = %q, want no match", in, j.ID)
		}
	}
}

func TestTraits(t *testing.T) {
	dc, _ := ByID(DC)
	if len(dc.Traits) != 23 || !slices.Contains(dc.Traits, "credit-information") || !slices.Contains(dc.Traits, "homeless-status") {
		t.Errorf("DC traits = %d %v; want the Code's 22 plus credit information", len(dc.Traits), dc.Traits)
	}
	eu, _ := ByID(Eugene)
	if len(eu.Traits) != 12 || !slices.Contains(eu.Traits, "source-of-income") {
		t.Errorf("Eugene traits = %v", eu.Traits)
	}
	fed, _ := ByID(Federal)
	pa, _ := ByID(Pennsylvania)
	if len(pa.Traits) != 10 || !slices.Contains(pa.Traits, "guide-or-support-animal") {
		t.Errorf("PA traits = %v; want PHRC's 10", pa.Traits)
	}
	al, _ := ByID(Allegheny)
	if len(al.Traits) != 14 || !slices.Contains(al.Traits, "hairstyle") {
		t.Errorf("Allegheny traits = %v; want the county's 14", al.Traits)
	}
	// The county's law covers the city too.
	if pgh, _ := ByID(Pittsburgh); !slices.Equal(pgh.Traits, al.Traits) {
		t.Errorf("Pittsburgh traits = %v; want the county's", pgh.Traits)
	}
	for _, id := range []string{Hawaii, MountainView, California, Oregon} {
		j, ok := ByID(id)
		if !ok || !slices.Equal(j.Traits, fed.Traits) {
			t.Errorf("%s traits = %v; want the federal list inherited", id, j.Traits)
		}
	}
	seen := map[string]bool{}
	for _, tr := range dc.Traits {
		if seen[tr] {
			t.Errorf("DC trait %q twice", tr)
		}
		seen[tr] = true
	}
}

func TestAllAndChain(t *testing.T) {
	all := All()
	if len(all) != 10 || all[0].ID != Federal {
		t.Fatalf("All() = %v", all)
	}
	for _, j := range all {
		if j.Name == "" || (j.ID != Federal && j.Parent == "") {
			t.Errorf("%+v lacks a name or parent", j)
		}
	}
	var ids []string
	for _, j := range Chain(Eugene) {
		ids = append(ids, j.ID)
	}
	if !slices.Equal(ids, []string{Eugene, Oregon, Federal}) {
		t.Errorf("Chain(eugene) = %v", ids)
	}
	ids = nil
	for _, j := range Chain(Pittsburgh) {
		ids = append(ids, j.ID)
	}
	if !slices.Equal(ids, []string{Pittsburgh, Allegheny, Pennsylvania, Federal}) {
		t.Errorf("Chain(pittsburgh) = %v", ids)
	}
	if _, ok := ByID("atlantis"); ok {
		t.Error("ByID(atlantis) found something")
	}
}

func TestParseRejectsBadData(t *testing.T) {
	bad := []string{
		"jurisdictions: [{id: x, name: X, parent: federal}]",                                                             // no federal
		"jurisdictions: [{id: federal, name: F}, {id: federal, name: G}]",                                                // duplicate
		"jurisdictions: [{id: federal, name: F}, {id: a, name: A, parent: nowhere}]",                                     // unknown parent
		"jurisdictions: [{id: federal, name: F}, {id: a, name: A, parent: federal, zips: [123-456]}]",                    // bad range
		"jurisdictions: [{id: federal, name: F, colour: red}]",                                                           // unknown field
		"jurisdictions: [{id: federal, name: F}, {id: a, name: A, parent: federal, zips: [15213], mixed_zips: [15213]}]", // mixed but inside
		"jurisdictions: [{id: federal, name: F}]\nstates: [{id: nowhere, abbr: [XX]}]",                                   // unknown state id
		"jurisdictions: [{id: federal, name: F}]\nstates: [{id: federal, abbr: [x]}]",                                    // bad abbreviation
	}
	for _, b := range bad {
		if _, err := parse([]byte(b)); err == nil {
			t.Errorf("parse(%q) accepted bad data", b)
		}
	}
}

// A ZIP that crosses the Pittsburgh city line names the city, so the flow
// asks; ZIPs wholly inside or outside do not.
func TestCityLineOf(t *testing.T) {
	for _, z := range []string{"15235", "15237", "15202", "15221", "15216"} {
		if city, ok := CityLineOf(z); !ok || city != Pittsburgh {
			t.Errorf("CityLineOf(%s) = %q, %v; want pittsburgh-pa", z, city, ok)
		}
	}
	for _, z := range []string{"15213", "15228", "15241", "20001", "15106"} {
		if city, ok := CityLineOf(z); ok {
			t.Errorf("CityLineOf(%s) = %q; want no question", z, city)
		}
	}
	if got, ok := CityLineValidator()("my zip is 15235", "en", testNow, nil); !ok || got != Pittsburgh {
		t.Errorf("CityLineValidator(15235) = %q, %v", got, ok)
	}
	if _, ok := CityLineValidator()("15228", "en", testNow, nil); ok {
		t.Error("CityLineValidator(15228) asks; Mt. Lebanon is wholly outside")
	}
}

func TestFindZIP(t *testing.T) {
	for in, want := range map[string]string{"20001": "20001", "20001-4321": "20001", "zip 15213 please": "15213", "call 2027274559": "", "1234": "", "": ""} {
		got, ok := FindZIP(in)
		if got != want || ok != (want != "") {
			t.Errorf("FindZIP(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestValidators(t *testing.T) {
	v, z := Validator(), ZIPValidator()
	if got, ok := v("Pittsburgh", "en", testNow, nil); !ok || got != Pittsburgh {
		t.Errorf("Validator(Pittsburgh) = %q, %v", got, ok)
	}
	if got, ok := v("nowhere", "en", testNow, nil); ok {
		t.Errorf("Validator(nowhere) = %q, accepted", got)
	}
	if got, ok := z("20001", "en", testNow, nil); !ok || got != "20001" {
		t.Errorf("ZIPValidator(20001) = %q, %v", got, ok)
	}
	if _, ok := z("Pittsburgh", "en", testNow, nil); ok {
		t.Error("ZIPValidator accepted a city name")
	}
	if len(Validators()) != 3 {
		t.Error("Validators() should hold both validators")
	}
}

var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
