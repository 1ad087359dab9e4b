package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/intake/jurisdiction"
)

// runCommissions prints the commissions of the routing data file: where
// reports go, with contacts and filing deadlines. It needs no database.
func runCommissions(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) != 1 || args[0] != "list" {
		fmt.Fprintln(stderr, "Usage: rightsline commissions list")
		return errUsage
	}
	r := intake.DefaultRouting()
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tJURISDICTION\tLANGUAGES\tCONTACT")
	for _, c := range r.Commissions {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Name, c.Jurisdiction, strings.Join(c.Languages, ","), c.Contact)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nReferrals (told to residents; not in the console):")
	w = tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, f := range r.Referrals {
		fmt.Fprintf(w, "  %s\t%s\t%s\n", f.ID, f.Name, f.Contact)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nContacts and deadlines reviewed %s (intake/routing.yaml).\n", r.Reviewed)
	return nil
}

// runRoute prints where a report would go and why, with its deadline rule.
func runRoute(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("route", flag.ContinueOnError)
	fs.SetOutput(stderr)
	zip := fs.String("zip", "", "ZIP code where it happened, e.g. 20001")
	place := fs.String("place", "", "or a place name, e.g. Pittsburgh (used when --zip is empty)")
	category := fs.String("category", "", "one of "+strings.Join(intake.Categories, ", "))
	date := fs.String("date", "", "incident date YYYY-MM-DD, to compute the filing deadline (optional)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: rightsline route --zip 20001 --category housing [--date 2026-11-01]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		return errUsage
	}
	if !intake.ValidCategory(*category) {
		fmt.Fprintf(stderr, "rightsline route: --category must be one of %s\n", strings.Join(intake.Categories, ", "))
		return errUsage
	}
	where := *zip
	if where == "" {
		where = *place
	}
	j, ok := jurisdiction.Lookup(where)
	if !ok {
		fmt.Fprintf(stderr, "rightsline route: %q is not a ZIP code or a place we know (give --zip or --place)\n", where)
		return errUsage
	}
	if *date != "" {
		if _, err := time.Parse(time.DateOnly, *date); err != nil {
			fmt.Fprintln(stderr, "rightsline route: --date must be YYYY-MM-DD")
			return errUsage
		}
	}
	r := intake.DefaultRouting()
	d := r.Route(j.ID, *category)
	fmt.Fprintf(stdout, "place:        %s (%s)\n", j.Name, j.ID)
	fmt.Fprintf(stdout, "category:     %s\n", *category)
	if c, ok := r.Commission(d.CommissionID); ok {
		fmt.Fprintf(stdout, "goes to:      %s [%s], %s\n", c.Name, c.ID, c.Contact)
	} else {
		fmt.Fprintln(stdout, "goes to:      default queue (Rightsline staff)")
	}
	if f, ok := r.Referral(d.Referral); ok {
		fmt.Fprintf(stdout, "referral:     %s\n", strings.TrimSuffix(f.Name+", "+f.Contact, ", "))
	}
	fmt.Fprintf(stdout, "rule:         %s\n", d.Rule)
	fmt.Fprintf(stdout, "why:          %s\n", d.Reason)
	fmt.Fprintf(stdout, "time limits:  %s\n", d.DeadlineSummary())
	if *date != "" {
		if due, rule := d.Deadline(*date); due != "" {
			fmt.Fprintf(stdout, "deadline:     %s (%s)\n", due, rule)
		} else {
			fmt.Fprintln(stdout, "deadline:     none computed (no time limit known for this route)")
		}
	}
	fmt.Fprintf(stdout, "reference:    %s-XXXX-XX\n", intake.ReferencePrefix(j.ID))
	return nil
}
