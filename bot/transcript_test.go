package bot_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts with what the bot says now")

// transcriptDir holds whole conversations: what a resident sends and what
// the bot answers, one file a conversation.
//
// Format: header lines "# lang: es" (the channel's language for a new
// conversation; omit to let the first message decide) and "# channel: sms";
// "> text" is what the resident sends ("> " alone sends an empty message);
// "@ +80h" moves the clock; "< id" starts a reply with its message ID,
// followed by its text lines indented by two spaces. Run
// `go test ./bot -run TestTranscripts -update` to refresh the replies after
// a deliberate change, and read the diff.
const transcriptDir = "../flows/testdata/transcripts"

func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(transcriptDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no transcripts in %s", transcriptDir)
	}
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := runTranscript(t, cat, string(want))
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(want) {
				t.Errorf("transcript %s differs (run with -update to accept):\n%s", file, diff(string(want), got))
			}
		})
	}
}

// runTranscript replays the inputs of a transcript through a fresh runtime
// on SQLite and returns the transcript as the bot answers it now.
func runTranscript(t *testing.T, cat *locales.Catalog, src string) string {
	t.Helper()
	st := storetest.Open(t, "sqlite")
	clock := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	// A fixed random source makes report references repeat run to run.
	rt, err := bot.New(st, cat, bot.Config{Log: quietLog, Now: func() time.Time { return clock },
		Extensions: []bot.Extension{intake.Extension(st, intake.Config{Catalog: cat, Rand: rand.NewChaCha8([32]byte{})})}})
	if err != nil {
		t.Fatal(err)
	}
	channel, lang := "sms", locales.Lang("")
	var out strings.Builder
	sc := bufio.NewScanner(strings.NewReader(src))
	n := 0
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# "):
			out.WriteString(line + "\n")
			k, v, _ := strings.Cut(strings.TrimPrefix(line, "# "), ":")
			switch strings.TrimSpace(k) {
			case "lang":
				l, ok := locales.ParseLang(strings.TrimSpace(v))
				if !ok {
					t.Fatalf("unknown language %q", v)
				}
				lang = l
			case "channel":
				channel = strings.TrimSpace(v)
			}
		case strings.HasPrefix(line, "@ +"):
			d, err := time.ParseDuration(strings.TrimPrefix(line, "@ +"))
			if err != nil {
				t.Fatalf("bad clock line %q: %v", line, err)
			}
			clock = clock.Add(d)
			out.WriteString(line + "\n")
		case line == ">" || strings.HasPrefix(line, "> "):
			text := strings.TrimPrefix(strings.TrimPrefix(line, ">"), " ")
			n++
			clock = clock.Add(time.Minute)
			res, err := rt.Handle(context.Background(), bot.Inbound{
				Channel: channel, Address: "+12025550100", Text: text, Lang: lang,
				ExternalID: fmt.Sprintf("SM%032d", n), At: clock,
			})
			if err != nil {
				t.Fatalf("message %d %q: %v", n, text, err)
			}
			out.WriteString(line + "\n")
			for _, r := range res.Replies {
				out.WriteString("< " + r.ID + "\n")
				for _, l := range strings.Split(r.Text, "\n") {
					out.WriteString("  " + l + "\n")
				}
			}
		}
	}
	return out.String()
}

// diff shows the first lines where two transcripts part.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want: %q\n  got:  %q", i+1, wl, gl)
		}
	}
	return "(no difference)"
}
