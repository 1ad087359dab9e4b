package bot_test

import (
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
)

// BenchmarkEngineStep measures one pure engine step on the shipped flows,
// walking a three-level menu: main menu → housing menu → an answer → MENU.
// Goal: ≤ 20 µs and ≤ 30 allocations a step.
func BenchmarkEngineStep(b *testing.B) {
	cat, err := locales.Load()
	if err != nil {
		b.Fatal(err)
	}
	eng, err := bot.NewEngine(cat, 0, intake.Extension(nil, intake.Config{Catalog: cat}))
	if err != nil {
		b.Fatal(err)
	}
	for _, lang := range []locales.Lang{locales.English, locales.Vietnamese} {
		b.Run(string(lang), func(b *testing.B) {
			at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
			res, err := eng.Step(flows.Conversation{Lang: lang}, flows.Input{Text: "hi", At: at})
			if err != nil {
				b.Fatal(err)
			}
			conv := res.Conv
			inputs := []string{"1", "1", "MENU"}
			want := []string{"housing.menu", "", flows.StateMenu}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := eng.Step(conv, flows.Input{Text: inputs[i%3], At: at})
				if err != nil {
					b.Fatal(err)
				}
				if w := want[i%3]; w != "" && res.Conv.State != w {
					b.Fatalf("step %q reached %s, want %s", inputs[i%3], res.Conv.State, w)
				}
				conv = res.Conv
			}
		})
	}
}
