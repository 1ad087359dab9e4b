package locales

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// LangStatus is where one language's translation stands, as
// `rightsline i18n status` prints it.
type LangStatus struct {
	Lang Lang
	// Total is the number of English messages (keyword lists included).
	Total int
	// Complete counts translations present whose hash matches the current
	// English text.
	Complete int
	// Stale counts translations made from an English text that has since
	// changed; Unhashed those that do not say what they were made from.
	Stale, Unhashed int
	// Missing counts English messages with no translation.
	Missing int
	// Draft and Reviewed count the translations present by review status;
	// OtherReview those with neither.
	Draft, Reviewed, OtherReview int
	// The IDs behind the counts, sorted, for -v.
	StaleIDs, UnhashedIDs, MissingIDs []string
}

// Status reports, for every language, how much of the English catalog is
// translated, how much of that is stale and how much has been reviewed.
// English is the source: always complete, never stale.
func Status(c *Catalog) []LangStatus {
	out := make([]LangStatus, 0, len(c.langCodes))
	for _, l := range c.langCodes {
		s := LangStatus{Lang: l, Total: len(c.ids)}
		for _, id := range c.ids {
			m, ok := c.messages[l][id]
			switch {
			case !ok:
				s.Missing++
				s.MissingIDs = append(s.MissingIDs, id)
				continue
			case l == Source:
				s.Complete++
				continue
			case m.SourceHash == "":
				s.Unhashed++
				s.UnhashedIDs = append(s.UnhashedIDs, id)
			case m.SourceHash != c.messages[Source][id].Hash():
				s.Stale++
				s.StaleIDs = append(s.StaleIDs, id)
			default:
				s.Complete++
			}
			switch m.Review {
			case ReviewDraft:
				s.Draft++
			case ReviewReviewed:
				s.Reviewed++
			default:
				s.OtherReview++
			}
		}
		out = append(out, s)
	}
	return out
}

// WriteStatus prints the status as a table, one row per language; with
// verbose, the stale, unhashed and missing IDs follow.
func WriteStatus(w io.Writer, st []LangStatus, verbose bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LANGUAGE\tTOTAL\tCOMPLETE\tSTALE\tNO HASH\tMISSING\tDRAFT\tREVIEWED\tREVIEWED %")
	for _, s := range st {
		if s.Lang == Source {
			fmt.Fprintf(tw, "%s (source)\t%d\t%d\t-\t-\t%d\t-\t-\t-\n", s.Lang, s.Total, s.Complete, s.Missing)
			continue
		}
		pct := 0
		if s.Total > 0 {
			pct = s.Reviewed * 100 / s.Total
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d%%\n", s.Lang, s.Total, s.Complete, s.Stale, s.Unhashed, s.Missing, s.Draft, s.Reviewed, pct)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !verbose {
		return nil
	}
	for _, s := range st {
		for _, part := range []struct {
			what string
			ids  []string
		}{{"stale", s.StaleIDs}, {"no hash", s.UnhashedIDs}, {"missing", s.MissingIDs}} {
			if len(part.ids) > 0 {
				if _, err := fmt.Fprintf(w, "\n%s %s (%d):\n  %s\n", s.Lang, part.what, len(part.ids), strings.Join(part.ids, "\n  ")); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
