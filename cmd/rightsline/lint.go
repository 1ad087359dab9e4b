package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rightsline/rightsline/bot"
	"github.com/rightsline/rightsline/flows"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/locales"
)

// runLint checks every flow and every translation and exits non-zero on
// any problem. It needs no database and no configuration.
func runLint(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	segmentsTable := fs.Bool("segments", false, "also print, per language, the segments of the SMS actually sent: first contact, topic first, longest menu, longest answer")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: rightsline lint [-segments]\n\nChecks the flows in flows/*.yaml and the catalog in locales/*.toml:\nreachable states, a way back to the menu, every message in every language,\ntemplate variables, SMS segment budgets of every message and of every SMS\nactually sent (a step's replies joined, choice lists as rendered, for every\nplace and category), stray characters, accents, stale translations.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cat, err := locales.LoadForLint()
	if err != nil {
		return err
	}
	eng, err := bot.NewEngine(cat, 0, extensions(nil, cat)...)
	if err != nil {
		// A flow that does not compile is lint's finding too: print each
		// line (file:line: reason) as it came.
		fmt.Fprintln(stdout, err)
		return errors.New("lint: the flows do not compile")
	}
	now := time.Now()
	samples := intake.LintSamples(now)
	problems := flows.LintWith(eng, flows.LintOptions{Samples: samples, Now: now})
	// What linking says in any state is held to the menu budget, as the
	// engine's own messages are.
	problems = append(problems, cat.LintBudget(intake.LinkMessages, locales.BudgetMenu)...)
	locales.SortProblems(problems)
	if *segmentsTable {
		sent, _ := eng.SentMessages(samples, now)
		writeSegmentTable(stdout, cat, sent)
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	errs := locales.Errors(problems)
	warnings := len(problems) - errs
	if errs > 0 {
		return fmt.Errorf("lint: %d problems, %d warnings", errs, warnings)
	}
	drafts := 0
	for _, st := range locales.Status(cat) {
		drafts += st.Draft
	}
	fmt.Fprintf(stdout, "lint: ok: %d states, %d messages in %d languages", len(eng.States()), len(cat.IDs()), len(cat.Langs()))
	if warnings > 0 {
		fmt.Fprintf(stdout, "; %d warnings", warnings)
	}
	if drafts > 0 {
		// Drafts are allowed (that is how translations start) but should
		// not be forgotten.
		fmt.Fprintf(stdout, "; %d translations are drafts awaiting community review (rightsline i18n status)", drafts)
	}
	fmt.Fprintln(stdout)
	return nil
}

// writeSegmentTable prints, per language, what the SMS actually sent
// cost: the first contact, the longest first message that is itself a
// topic (the notice line and its answer), the longest menu and the longest
// of anything else (an answer, a confirmation), each with its budget and
// what it is.
func writeSegmentTable(w io.Writer, cat *locales.Catalog, sent []flows.Sent) {
	type cell struct {
		s  flows.Sent
		ok bool
	}
	longest := func(l locales.Lang, budget string) cell {
		var best cell
		for _, s := range sent {
			if s.Lang != l || s.Budget.Name != budget {
				continue
			}
			if !best.ok || s.Info.Segments > best.s.Info.Segments || (s.Info.Segments == best.s.Info.Segments && s.Info.Units > best.s.Info.Units) {
				best = cell{s, true}
			}
		}
		return best
	}
	show := func(c cell) string {
		if !c.ok {
			return "-"
		}
		return fmt.Sprintf("%d/%d %s (%d)", c.s.Info.Segments, c.s.Budget.For(c.s.Info.Encoding), c.s.Info.Encoding, c.s.Info.Units)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "lang\tfirst contact\ttopic first\tlongest menu\tlongest answer\tSMS\ttopic first is\tlongest menu is\tlongest answer is")
	for _, l := range cat.Langs() {
		first, menu, answer := longest(l, flows.BudgetFirst.Name), longest(l, locales.BudgetMenu.Name), longest(l, locales.BudgetAnswer.Name)
		topic := longest(l, flows.BudgetTopicFirst.Name)
		n := 0
		for _, s := range sent {
			if s.Lang == l {
				n++
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", l, show(first), show(topic), show(menu), show(answer), n, topic.s.What, menu.s.What, answer.s.What)
	}
	tw.Flush()
	fmt.Fprintln(w, "segments/budget encoding (characters or septets); SMS: distinct texts budgeted")
}

// runI18n holds the translation tools: status, hash and migrate.
func runI18n(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	usage := func() {
		fmt.Fprintln(stderr, `Usage:
  rightsline i18n status [-v]
      a table per language: complete, stale, missing, draft and reviewed
  rightsline i18n hash --lang L --id ID[,ID...] [--review draft|reviewed --by NAME] [--dir locales]
      after checking a stale translation against the current English (and
      fixing it), record the English message's hash so lint stops flagging it;
      --review reviewed --by NAME records (in locales/review/L.toml) that NAME
      approved it now
  rightsline i18n export -lang L [-format csv|xliff] [--dir locales] > L.csv
      a language for offline review, from the catalog files: CSV (UTF-8 with
      a BOM, for Excel and LibreOffice; columns id, English, translation,
      notes, segments, lint, review status, reviewer, reviewed at, source
      hash) or XLIFF 2.0
  rightsline i18n import -lang L [--by NAME] [-n] [--dir locales] FILE
      fold a reviewed CSV or XLIFF file (this export or the console's) into
      the catalog files: new texts and hashes; rows marked reviewed are
      recorded as reviewed by NAME now (without --by: by the file's
      reviewer and reviewed-at columns); rows whose English changed since
      the export are listed as stale and not applied; -n shows what would
      change and writes nothing
  rightsline i18n weblate export [--dir locales] OUT
  rightsline i18n weblate import [--dir locales] [-n] IN
      the catalog as go-i18n v2 JSON for Weblate (OUT/<component>/<lang>.json,
      see docs/translating.md), and Weblate's changes back into the TOML files:
      new texts hashed to the English Weblate showed; texts translating older
      English listed as stale and not applied; -n writes nothing
  rightsline i18n migrate [--dir locales]
      bring the catalog files to the format goi18n merge reads: review keys
      out to locales/review/<lang>.toml, hashes in go-i18n's form; a no-op
      when nothing is left to do (run it after resolving a merge conflict)`)
	}
	if len(args) == 0 {
		usage()
		return errUsage
	}
	switch args[0] {
	case "status":
		fs := flag.NewFlagSet("i18n status", flag.ContinueOnError)
		fs.SetOutput(stderr)
		verbose := fs.Bool("v", false, "list the stale, unhashed and missing IDs")
		if err := fs.Parse(args[1:]); err != nil {
			return errUsage
		}
		cat, err := locales.LoadForLint()
		if err != nil {
			return err
		}
		return locales.WriteStatus(stdout, locales.Status(cat), *verbose)
	case "hash":
		fs := flag.NewFlagSet("i18n hash", flag.ContinueOnError)
		fs.SetOutput(stderr)
		lang := fs.String("lang", "", "the translation's language (es, zh-Hans, …)")
		ids := fs.String("id", "", "message IDs, comma-separated")
		review := fs.String("review", "", "also set review: draft or reviewed")
		by := fs.String("by", "", "with --review reviewed: the reviewer's name")
		dir := fs.String("dir", "locales", "the catalog's source folder")
		if err := fs.Parse(args[1:]); err != nil {
			return errUsage
		}
		l, ok := locales.ParseLang(*lang)
		if !ok || *ids == "" || (*review == locales.ReviewReviewed && strings.TrimSpace(*by) == "") {
			usage()
			return errUsage
		}
		var list []string
		for _, id := range strings.Split(*ids, ",") {
			if id = strings.TrimSpace(id); id != "" {
				list = append(list, id)
			}
		}
		changed, err := locales.RefreshHashes(*dir, l, list, *review, strings.TrimSpace(*by), time.Now())
		for _, f := range changed {
			fmt.Fprintln(stdout, "updated", f)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, "The catalog is embedded: rebuild (go build, go run) to use the new hashes.")
		return nil
	case "export":
		fs := flag.NewFlagSet("i18n export", flag.ContinueOnError)
		fs.SetOutput(stderr)
		lang := fs.String("lang", "", "the language to export (es, zh-Hans, …)")
		format := fs.String("format", "csv", "csv or xliff")
		dir := fs.String("dir", "locales", "the catalog's source folder")
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
			return errUsage
		}
		l, ok := locales.ParseLang(*lang)
		if !ok || l == locales.Source {
			fmt.Fprintf(stderr, "i18n export: -lang must be one of %v\n", locales.All[1:])
			return errUsage
		}
		cat, _, err := locales.LoadFS(os.DirFS(*dir), true)
		if err != nil {
			return err
		}
		rows := cat.ReviewRows(l)
		switch *format {
		case "csv":
			return locales.WriteCSV(stdout, l, rows)
		case "xliff", "xlf":
			units := make([]locales.XLIFFUnit, 0, len(rows))
			for _, r := range rows {
				review := r.Review
				if review == locales.ReviewStale {
					review = locales.ReviewDraft
				}
				units = append(units, locales.XLIFFUnit{ID: r.ID, Source: r.English, Target: r.Translation, Description: r.Notes, SourceHash: r.SourceHash, Review: review, ReviewedBy: r.Reviewer})
			}
			return locales.WriteXLIFF(stdout, l, units)
		}
		fmt.Fprintln(stderr, "i18n export: -format is csv or xliff")
		return errUsage
	case "import":
		fs := flag.NewFlagSet("i18n import", flag.ContinueOnError)
		fs.SetOutput(stderr)
		lang := fs.String("lang", "", "the file's language; the file must say the same")
		by := fs.String("by", "", "who reviewed the file (recorded with each newly reviewed row)")
		dry := fs.Bool("n", false, "show what would change; write nothing")
		dir := fs.String("dir", "locales", "the catalog's source folder")
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 1 {
			usage()
			return errUsage
		}
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		fileLang, rows, format, err := locales.ReadReviewFile(f)
		if err != nil {
			return fmt.Errorf("i18n import: %s: %w", fs.Arg(0), err)
		}
		if *lang == "" && format == "csv" {
			fmt.Fprintln(stderr, "i18n import: give -lang (the file's language, checked against its header)")
			return errUsage
		}
		if *lang != "" {
			if l, ok := locales.ParseLang(*lang); !ok || l != fileLang {
				return fmt.Errorf("i18n import: %s is for %s, not -lang %s; nothing written", fs.Arg(0), fileLang, *lang)
			}
		}
		if format == "xliff" && strings.TrimSpace(*by) == "" {
			// XLIFF carries no reviewer a tool reads back.
			fmt.Fprintln(stderr, "i18n import: an XLIFF file needs --by NAME (who reviewed it)")
			return errUsage
		}
		res, err := locales.ImportToFiles(*dir, fileLang, rows, locales.FileImportOptions{By: *by, At: time.Now(), DryRun: *dry})
		if err != nil {
			return err
		}
		verb := "changed"
		if *dry {
			verb = "would change"
		}
		for _, id := range res.Changed {
			fmt.Fprintln(stdout, verb, id)
		}
		for _, id := range res.Reviewed {
			fmt.Fprintln(stdout, "reviewed", id)
		}
		for _, s := range res.Stale {
			fmt.Fprintln(stdout, "stale (not applied)", s)
		}
		for _, s := range res.Skipped {
			fmt.Fprintln(stdout, "skipped", s)
		}
		for _, p := range res.Written {
			fmt.Fprintln(stdout, "updated", p)
		}
		fmt.Fprintf(stdout, "i18n import: %s: %d %s, %d reviewed, %d unchanged, %d stale, %d skipped\n", fileLang, len(res.Changed), verb, len(res.Reviewed), res.Unchanged, len(res.Stale), len(res.Skipped))
		if !*dry && len(res.Written) > 0 {
			fmt.Fprintln(stdout, "The catalog is embedded: rebuild (go build, go run) to use the new texts.")
		}
		return nil
	case "weblate":
		if len(args) < 2 || (args[1] != "export" && args[1] != "import") {
			usage()
			return errUsage
		}
		fs := flag.NewFlagSet("i18n weblate "+args[1], flag.ContinueOnError)
		fs.SetOutput(stderr)
		dir := fs.String("dir", "locales", "the catalog's source folder")
		dry := fs.Bool("n", false, "import: show what would change; write nothing")
		if err := fs.Parse(args[2:]); err != nil || fs.NArg() != 1 {
			usage()
			return errUsage
		}
		if args[1] == "export" {
			written, err := locales.WeblateExport(*dir, fs.Arg(0))
			for _, p := range written {
				fmt.Fprintln(stdout, "wrote", p)
			}
			return err
		}
		results, err := locales.WeblateImport(*dir, fs.Arg(0), *dry)
		for _, l := range locales.All[1:] {
			res, ok := results[l]
			if !ok {
				continue
			}
			verb := "changed"
			if *dry {
				verb = "would change"
			}
			for _, id := range res.Changed {
				fmt.Fprintf(stdout, "%s %s %s\n", l, verb, id)
			}
			for _, s := range res.Stale {
				fmt.Fprintf(stdout, "%s stale (not applied) %s\n", l, s)
			}
			for _, s := range res.Skipped {
				fmt.Fprintf(stdout, "%s skipped %s\n", l, s)
			}
			for _, p := range res.Written {
				fmt.Fprintln(stdout, "updated", p)
			}
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "i18n weblate import: %d languages with changes\n", len(results))
		return nil
	case "migrate":
		fs := flag.NewFlagSet("i18n migrate", flag.ContinueOnError)
		fs.SetOutput(stderr)
		dir := fs.String("dir", "locales", "the catalog's source folder")
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
			return errUsage
		}
		changed, err := locales.Migrate(*dir)
		for _, f := range changed {
			fmt.Fprintln(stdout, "updated", f)
		}
		if err != nil {
			return err
		}
		if len(changed) == 0 {
			fmt.Fprintln(stdout, "i18n migrate: nothing to do")
		}
		return nil
	}
	usage()
	return errUsage
}
