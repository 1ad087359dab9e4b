package flows

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"
)

// stateStrings are strings with everything encoding/json escapes.
var stateStrings = []string{
	"", "a", "rights.housing_menu", "20001", "Ça va? 是 ለ 네", "\"quoted\" \\ back", "<b>&amp;</b>", "line\nbreak\ttab\r",
	"\b\f\x00\x01\x1f\x7f", "\u2028\u2029", "bad \xff utf8 \xe2\x82", "😀 emoji", strings.Repeat("long ", 80),
}

func randomConversation(r *rand.Rand) Conversation {
	pick := func() string { return stateStrings[r.Intn(len(stateStrings))] }
	list := func() []string {
		switch r.Intn(4) {
		case 0:
			return nil
		case 1:
			return []string{}
		}
		var vs []string
		for range 1 + r.Intn(4) {
			vs = append(vs, pick())
		}
		return vs
	}
	vars := func() map[string]string {
		switch r.Intn(4) {
		case 0:
			return nil
		case 1:
			return map[string]string{}
		}
		m := map[string]string{}
		for range 1 + r.Intn(20) {
			m[pick()+string(rune('a'+r.Intn(26)))] = pick()
		}
		return m
	}
	at := func() time.Time {
		switch r.Intn(4) {
		case 0:
			return time.Time{}
		case 1:
			return time.Unix(r.Int63n(4e9), r.Int63n(1e9)).UTC()
		case 2:
			return time.Unix(r.Int63n(4e9), 0).In(time.FixedZone("x", -5*3600))
		}
		return time.Unix(r.Int63n(4e9), int64(r.Intn(1000))*1e6).Local()
	}
	c := Conversation{
		Lang: "es", State: pick(), Vars: vars(), Back: list(), LastAnswer: pick(), LastActive: at(),
		Pending: list(), DisclaimerShown: r.Intn(2) == 0, Suggest: list(), Welcomed: r.Intn(2) == 0,
		Turns: r.Intn(100) - 3, Return: pick(), Held: pick(),
	}
	if r.Intn(3) == 0 {
		c.Lang = ""
	}
	if r.Intn(2) == 0 {
		c.Draft = &Draft{State: pick(), Vars: vars(), Back: list(), At: at(), Pending: pick()}
	}
	return c
}

// TestEncodeStateIsMarshal: EncodeState writes what json.Marshal writes,
// byte for byte, for every field empty or set and every string escape.
func TestEncodeStateIsMarshal(t *testing.T) {
	r := rand.New(rand.NewSource(16))
	convs := []Conversation{{}, {Turns: 1}, {Draft: &Draft{}}}
	for range 3000 {
		convs = append(convs, randomConversation(r))
	}
	for _, c := range convs {
		got, want := encodeLikeMarshal(t, c)
		var back Conversation
		if err := DecodeState(got, &back); err != nil {
			t.Fatal(err)
		}
		again, _ := json.Marshal(back)
		var std Conversation
		if err := json.Unmarshal(want, &std); err != nil {
			t.Fatal(err)
		}
		if stdAgain, _ := json.Marshal(std); string(again) != string(stdAgain) {
			t.Fatalf("round trip:\n%s\nencoding/json's:\n%s", again, stdAgain)
		}
	}
	if _, err := EncodeState(Conversation{LastActive: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Error("a year past 9999 must fail, as json.Marshal does")
	}
}

// TestDecodeStateIsUnmarshal: states as older versions stored them, and
// odd ones, read as json.Unmarshal reads them: the same conversation, and
// an error exactly when it errs.
func TestDecodeStateIsUnmarshal(t *testing.T) {
	states := []string{
		`{}`, `{"turns":0}`, `null`,
		// What the service has stored: fields added over time, every
		// older state lacking the later ones.
		`{"lang":"en","state":"main.menu","last_active":"2026-03-01T10:00:00Z","turns":3}`,
		`{"lang":"es","state":"rights.menu","vars":{"zip":"20001"},"back":["main.menu"],"last_answer":"rights.a","last_active":"2026-03-01T10:00:00.123456789-05:00","pending":["more"],"disclaimer_shown":true,"suggest":["a","b"],"welcomed":true,"turns":7,"draft":{"state":"intake.q","vars":{"x":"y"},"back":["intake.start"],"at":"2026-02-01T00:00:00Z","pending":"hi"},"return":"intake.q","held":"hello"}`,
		`{"lang":"zh-Hant","state":"main.menu","last_active":"0001-01-01T00:00:00Z","turns":1,"draft":{"state":"intake.q","at":"0001-01-01T00:00:00Z"}}`,
		// A state no version wrote but encoding/json reads.
		`{"LANG":"fr","State":"main.menu","unknown":{"deep":[1,2,3]},"turns":2}`,
		`{"lang":"en","lang":"es"}`,
		`{"vars":null,"back":null,"draft":null,"turns":null}`,
		`{"held":"bad \xff utf8","state":"\u00e9\ud800"}`,
		` {"turns": 5 } `,
		// Broken: both refuse (and Runtime starts again).
		`{"turns":"seven"}`, `{"turns":1.5}`, `{"last_active":"yesterday"}`, `{"back":"x"}`, `{`, `[]`, ``, `{"turns":1}x`,
	}
	for _, s := range states {
		if msg := unlikeUnmarshal([]byte(s)); msg != "" {
			t.Error(msg)
		}
	}
}

// unlikeUnmarshal says how DecodeState read buf otherwise than
// json.Unmarshal does (one failing and not the other, or another
// conversation), "" when alike.
func unlikeUnmarshal(buf []byte) string {
	var want, got Conversation
	wantErr := json.Unmarshal(buf, &want)
	gotErr := DecodeState(buf, &got)
	if (wantErr == nil) != (gotErr == nil) {
		return fmt.Sprintf("%q: DecodeState error %v, json.Unmarshal error %v", buf, gotErr, wantErr)
	}
	if wantErr != nil {
		return ""
	}
	w, _ := json.Marshal(want)
	g, _ := json.Marshal(got)
	if string(g) != string(w) {
		return fmt.Sprintf("%q:\nDecodeState    %s\njson.Unmarshal %s", buf, g, w)
	}
	return ""
}

func BenchmarkState(b *testing.B) {
	c := Conversation{Lang: "es", State: "rights.housing_menu", Vars: map[string]string{"zip": "20001", "jurisdiction": "dc"}, Back: []string{"main.menu", "rights.menu"}, LastAnswer: "rights.evict_notice", LastActive: time.Now(), DisclaimerShown: true, Welcomed: true, Turns: 7}
	buf, _ := json.Marshal(c)
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			EncodeState(c)
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			json.Marshal(c)
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var c Conversation
			DecodeState(buf, &c)
		}
	})
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var c Conversation
			json.Unmarshal(buf, &c)
		}
	})
}

// fillEveryField sets every field of the struct v points to (and of the
// structs its pointer fields point to) to a value that is not its zero
// value, by reflection, so a field added to Conversation or Draft later
// is set here without this test being edited. A field of a kind it does
// not know fails the test: EncodeState must be taught the new field too.
func fillEveryField(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		name := path + "." + sf.Name
		switch f.Kind() {
		case reflect.String:
			f.SetString("x-" + sf.Name)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int, reflect.Int64, reflect.Int32:
			f.SetInt(int64(7 + i))
		case reflect.Slice:
			if f.Type().Elem().Kind() != reflect.String {
				t.Fatalf("%s: a slice of %s; teach EncodeState and this test", name, f.Type().Elem())
			}
			f.Set(reflect.ValueOf([]string{"a-" + sf.Name, "b"}).Convert(f.Type()))
		case reflect.Map:
			if f.Type().Key().Kind() != reflect.String || f.Type().Elem().Kind() != reflect.String {
				t.Fatalf("%s: a map of %s; teach EncodeState and this test", name, f.Type())
			}
			f.Set(reflect.ValueOf(map[string]string{"k-" + sf.Name: "v"}).Convert(f.Type()))
		case reflect.Pointer:
			p := reflect.New(f.Type().Elem())
			if p.Elem().Kind() != reflect.Struct {
				t.Fatalf("%s: a pointer to %s; teach EncodeState and this test", name, f.Type().Elem())
			}
			fillEveryField(t, p.Elem(), name)
			f.Set(p)
		case reflect.Struct:
			if f.Type() != reflect.TypeFor[time.Time]() {
				t.Fatalf("%s: a struct %s; teach EncodeState and this test", name, f.Type())
			}
			f.Set(reflect.ValueOf(time.Date(2026, 3, 1, 10, 0, i, 0, time.UTC)))
		default:
			t.Fatalf("%s: a %s; teach EncodeState and this test", name, f.Kind())
		}
	}
}

// TestEncodeStateWritesEveryField: with every field of Conversation and
// Draft set (found by reflection, so a field added later is included),
// EncodeState still writes what json.Marshal writes. The random states of
// TestEncodeStateIsMarshal name their fields, so only this test notices a
// new field EncodeState would silently not save.
func TestEncodeStateWritesEveryField(t *testing.T) {
	var c Conversation
	fillEveryField(t, reflect.ValueOf(&c).Elem(), "Conversation")
	encodeLikeMarshal(t, c)
}

// encodeLikeMarshal returns EncodeState's and json.Marshal's encodings
// of c, failing t unless they are the same bytes.
func encodeLikeMarshal(t *testing.T, c Conversation) (got, want []byte) {
	t.Helper()
	want, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if got, err = EncodeState(c); err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("EncodeState (a field missed or written otherwise):\n%s\njson.Marshal:\n%s", got, want)
	}
	return got, want
}
