package flows

import (
	"slices"
	"testing"

	"github.com/rightsline/rightsline/locales"
)

func TestReplyWords(t *testing.T) {
	cases := []struct {
		lang locales.Lang
		text string
		want []string
	}{
		{locales.English, "Reply SOURCE for the source, REPORT to file a report, BACK or MENU.", []string{"SOURCE", "REPORT", "BACK", "MENU"}},
		{locales.Vietnamese, "Trả lời QUAY LẠI hoặc MENU.", []string{"QUAY LẠI", "MENU"}},
		{locales.French, "STOP pour ne plus recevoir de SMS. Urgence : 911.", []string{"STOP", "SMS"}},
		{locales.English, "OK I see", []string{"OK"}},
		{locales.ChineseSimplified, "回复“来源”看出处，STOP停止。", []string{"来源"}},
		{locales.ChineseTraditional, "回覆「選單」看主題", []string{"選單"}},
		{locales.Korean, "'메뉴'라고 답하세요", []string{"메뉴"}},
		{locales.Amharic, "ምናሌ ብለው ይመልሱ", nil},
	}
	for _, c := range cases {
		info, ok := locales.Info(c.lang)
		if !ok {
			t.Fatalf("%s: not in languages.toml", c.lang)
		}
		if got := replyWords(info.ReplyWords, c.text); !slices.Equal(got, c.want) {
			t.Errorf("replyWords(%s, %q) = %q, want %q", c.lang, c.text, got, c.want)
		}
	}
}

func TestLintWarnsOfAReplyWordThatWorksInOneStateOnly(t *testing.T) {
	texts := map[string]string{MsgNotUnderstood: "Sorry. Reply MENU, or REPORT to file a report. STOP ends texts."}
	for k, v := range lintTexts {
		texts[k] = v
	}
	texts["kw.report"] = "report"
	cat := lintCatalog(t, texts, nil)
	ps := problemsOf(Lint(lintEngine(t, cat, lintMainFlow, lintTopicFlow)), locales.CheckReplyWord)
	// en, es, fr, vi read capitals; zh and ko read quotes; am is not read.
	if len(ps) != 4 {
		t.Fatalf("want REPORT flagged in en, es, fr, vi: %v", ps)
	}
	for _, p := range ps {
		if !p.Warning || p.ID != MsgNotUnderstood {
			t.Errorf("%s", p)
		}
	}
	if n := locales.Errors(ps); n != 0 {
		t.Errorf("a heuristic finding must not fail lint: %d errors", n)
	}
	// A topic makes the word work everywhere.
	withTopic := lintTopicFlow + `
  report:
    kind: answer
    topic: kw.report
    say: [m.answer]
    source: m.source
    reviewed: "2026-11-01"
    choices:
      - {key: "0", go: menu}
`
	if ps := problemsOf(Lint(lintEngine(t, cat, lintMainFlow, withTopic)), locales.CheckReplyWord); len(ps) != 0 {
		t.Fatalf("REPORT is a topic keyword now: %v", ps)
	}
}
