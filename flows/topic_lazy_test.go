package flows_test

import (
	"math"
	"sync"
	"testing"

	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/locales"
)

// TestClassifyWhileModelsBuild sends free text in every language from many
// goroutines the moment the engine is built, while the background builders
// are still building the models (a message may build its language's model
// itself or wait for the builder that is), and checks every answer against
// an engine whose models were all built before the first message. Run
// under -race it also shows the models are shared safely.
func TestClassifyWhileModelsBuild(t *testing.T) {
	texts := map[locales.Lang][]string{}
	u, err := locales.LoadUnderstanding()
	if err != nil {
		t.Fatal(err)
	}
	for l, ex := range u.Examples {
		for _, tp := range ex.Topics {
			texts[l] = append(texts[l], tp.HeldApart...)
		}
	}
	if len(texts) < 8 {
		t.Fatalf("example phrases in %d languages, want 8", len(texts))
	}
	ready, _ := contentEngine(t)
	want := map[locales.Lang][]flows.TopicMatch{}
	for l, ts := range texts {
		for _, s := range ts {
			want[l] = append(want[l], ready.ClassifyTopic(l, s))
		}
	}
	for round := range 3 {
		e, _ := contentEngine(t) // its models are being built now
		var wg sync.WaitGroup
		for l, ts := range texts {
			for k := range 2 {
				wg.Go(func() {
					// Half the goroutines start from the end, so two
					// languages' models are asked for at once.
					for j := range ts {
						i := j
						if k == 1 {
							i = len(ts) - 1 - j
						}
						if got := e.ClassifyTopic(l, ts[i]); !sameMatch(got, want[l][i]) {
							t.Errorf("round %d, %s %q: %+v while the models build, %+v once built", round, l, ts[i], got, want[l][i])
						}
					}
				})
			}
		}
		wg.Wait()
	}
}

// sameMatch compares two readings of a text. Scores are float32 sums
// whose order follows the concept lists, read from maps: two engines may
// differ in the last bit.
func sameMatch(a, b flows.TopicMatch) bool {
	near := func(x, y float32) bool { return math.Abs(float64(x-y)) < 1e-4 }
	return a.Best == b.Best && a.Second == b.Second && a.Confidence == b.Confidence && near(a.Score, b.Score) && near(a.Score2, b.Score2)
}
