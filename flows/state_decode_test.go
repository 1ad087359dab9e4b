package flows

import (
	"encoding/json"
	"testing"
	"time"
)

// TestDecodeStateFastReadsWhatEncodeStateWrites: every state EncodeState
// writes (escapes, every script, surrogate pairs, a draft) is read by the
// fast path, not handed to encoding/json's rules, and reads back equal.
func TestDecodeStateFastReadsWhatEncodeStateWrites(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.FixedZone("", -5*3600))
	convs := []Conversation{
		{},
		{Lang: "en", State: "main.menu", LastActive: at, Turns: 3},
		{Lang: "am", State: "intake.ask.story", Vars: map[string]string{"story": "ቤቴ <b>&\"quoted\"\\ \n\t\u2028 \U0001F600 \x01", "zip": "20001"},
			Back: []string{"main.menu", "intake.start"}, LastAnswer: "housing.eviction", LastActive: at, Pending: []string{"第二部分", "tiếp"},
			DisclaimerShown: true, Suggest: []string{"housing.fair", "discrim.work"}, Welcomed: true, Turns: 12,
			Draft:  &Draft{State: "intake.ask.when", Vars: map[string]string{"k": "v"}, Back: []string{"a"}, At: at.UTC(), Pending: "je reviens"},
			Return: "intake.ask.when", Held: "hola, necesito ayuda"},
		{Lang: "zh-Hant", Turns: -1, Draft: &Draft{}},
	}
	for _, c := range convs {
		buf, err := EncodeState(c)
		if err != nil {
			t.Fatal(err)
		}
		var got Conversation
		if !decodeStateFast(buf, &got) {
			t.Errorf("fast path refused what EncodeState wrote: %s", buf)
			continue
		}
		var want Conversation
		if err := json.Unmarshal(buf, &want); err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("fast path read\n%s\nencoding/json\n%s", g, w)
		}
	}
}

// FuzzDecodeState: on any input DecodeState fails when encoding/json's
// Unmarshal fails and otherwise reads the same conversation.
func FuzzDecodeState(f *testing.F) {
	for _, s := range []string{`{}`, `{"turns":0}`, `{"lang":"es","vars":{"a":"\u00e9\ud83d\ude00"},"turns":2}`,
		`{"back":["x","y"],"draft":{"state":"s","at":"2026-01-01T00:00:00Z"},"turns":1}`, `{"turns":01}`, `{"held":"\ud800"}`,
		`{"last_active":"2026-03-01T10:00:00.5+01:00","turns":1} `, `{"Lang":"fr"}`, `{"vars":{"a":"1","a":"2"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, buf []byte) {
		if msg := unlikeUnmarshal(buf); msg != "" {
			t.Fatal(msg)
		}
	})
}
