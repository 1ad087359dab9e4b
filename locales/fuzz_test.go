package locales

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Fuzz targets for the text kit, segment counting and language detection.
// Their seed corpora run in every `go test`; explore with, e.g.,
//
//	go test ./locales -run '^$' -fuzz FuzzSplit -fuzztime 1m

// textSeeds are inputs that have broken text code before: invalid UTF-8,
// NUL, CR LF, emoji outside the BMP, combining marks, wide spaces,
// GSM-7 escapes, every script the service speaks.
var textSeeds = []string{
	"", "hi", "hola, ¿qué tal?", "bonjour à tous", "我的房东换了锁", "房東換了鎖",
	"Tôi bị đuổi nhà", "집주인이 자물쇠를 바꿨어요", "ሰላም እንዴት ነህ", "a\x00b\x1b[31mred\r\n",
	"\xff\xfe broken", "emoji 😀😀 and more 👍🏽", "e\u0301\u0301\u0301", "wide\u3000space\u00a0nbsp",
	"[curly] {braces} ~tilde~ €uro", strings.Repeat("word ", 400), strings.Repeat("长", 300),
	"one.\n\ntwo! three? 四。五！", "\u200f\u202eRTL", "tab\there",
}

func FuzzClean(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		if !utf8.ValidString(c) {
			t.Fatalf("Clean(%q) = %q: not valid UTF-8", s, c)
		}
		if strings.ContainsFunc(c, func(r rune) bool { return r != '\n' && unicode.IsControl(r) }) {
			t.Fatalf("Clean(%q) = %q: still has a control character", s, c)
		}
		if Clean(c) != c {
			t.Fatalf("Clean is not idempotent on %q", s)
		}
	})
}

// counters are the channels' counters, by name for failure messages.
var counters = map[string]Counter{"runes": Runes, "utf16": UTF16}

func FuzzSplit(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s, 10)
		f.Add(s, 70)
		f.Add(s, 1600)
	}
	// Found by the fuzzer's property: a cut after a multi-byte space
	// (U+3000, U+00A0) split the space's bytes between two parts.
	f.Add("abcdefgh\u3000ijklmnop", 10)
	f.Add("abcdefgh\u00a0ijklmnop", 10)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		s = Clean(s)
		// The smallest useful limit is one character of the widest kind
		// (an emoji is two UTF-16 units); parts are bounded when it holds.
		if limit < 2 || limit > 5000 {
			return
		}
		for name, count := range counters {
			parts := Split(s, limit, count)
			var got, want strings.Builder
			for _, p := range parts {
				if !utf8.ValidString(p) {
					t.Fatalf("%s: Split(%q, %d) cut inside a character: %q", name, s, limit, p)
				}
				if count(p) > limit {
					t.Fatalf("%s: Split(%q, %d): part %q measures %d", name, s, limit, p, count(p))
				}
				if p == "" {
					t.Fatalf("%s: Split(%q, %d) returned an empty part", name, s, limit)
				}
				got.WriteString(strings.Join(strings.Fields(p), ""))
			}
			want.WriteString(strings.Join(strings.Fields(s), ""))
			if got.String() != want.String() {
				t.Fatalf("%s: Split(%q, %d) = %q: lost or changed text", name, s, limit, parts)
			}
		}
	})
}

func FuzzTruncateAndClip(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s, 5)
		f.Add(s, 100)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 5000 {
			return
		}
		s = Clean(s)
		for name, count := range counters {
			tr := Truncate(s, n, count)
			if !strings.HasPrefix(s, tr) || !utf8.ValidString(tr) || count(tr) > n {
				t.Fatalf("%s: Truncate(%q, %d) = %q", name, s, n, tr)
			}
			if n < count("…") {
				continue
			}
			cl := Clip(s, n, count)
			if count(cl) > n || !utf8.ValidString(cl) {
				t.Fatalf("%s: Clip(%q, %d) = %q measures %d", name, s, n, cl, count(cl))
			}
			if count(s) <= n && cl != s {
				t.Fatalf("%s: Clip changed %q, which fits in %d", name, s, n)
			}
		}
	})
}

func FuzzMeasureSMS(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		info := MeasureSMS(s)
		if (info.Units == 0) != (info.Segments == 0) {
			t.Fatalf("MeasureSMS(%q): %d units in %d segments", s, info.Units, info.Segments)
		}
		if (info.Encoding == GSM7) != (len(info.NonGSM) == 0) {
			t.Fatalf("MeasureSMS(%q): encoding %v with non-GSM characters %q", s, info.Encoding, info.NonGSM)
		}
		single, multi := 160, 153
		if info.Encoding == UCS2 {
			single, multi = 70, 67
		}
		switch {
		case info.Units <= single && info.Units > 0 && info.Segments != 1:
			t.Fatalf("MeasureSMS(%q): %d units should be one segment, got %d", s, info.Units, info.Segments)
		case info.Units > single && (info.Segments*multi < info.Units || (info.Segments-1)*multi >= info.Units):
			t.Fatalf("MeasureSMS(%q): %d units in %d segments", s, info.Units, info.Segments)
		}
		if info.Encoding == UCS2 && info.Units != UTF16(s) {
			t.Fatalf("MeasureSMS(%q): %d UCS-2 units, UTF-16 says %d", s, info.Units, UTF16(s))
		}
		for _, r := range info.NonGSM {
			if IsGSM7(r) {
				t.Fatalf("MeasureSMS(%q): %q listed as non-GSM", s, r)
			}
		}
	})
}

func FuzzDetect(f *testing.F) {
	for _, s := range textSeeds {
		f.Add(s)
	}
	for _, s := range []string{"selam", "annyeong", "您好", "si", "ok", "こんにちは", "hola landlord"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := DetectLang(s)
		if d.Sure {
			if _, ok := Info(d.Lang); !ok {
				t.Fatalf("DetectLang(%q) is sure of %q, not a language of the service", s, d.Lang)
			}
			if len(d.Offer) != 0 {
				t.Fatalf("DetectLang(%q) is sure of %q and still offers %v", s, d.Lang, d.Offer)
			}
		}
		for _, l := range d.Offer {
			if _, ok := Info(l); !ok {
				t.Fatalf("DetectLang(%q) offers %q", s, l)
			}
		}
		if l, sure := Detect(s); l != d.Lang || sure != d.Sure {
			t.Fatalf("Detect and DetectLang disagree on %q", s)
		}
	})
}
