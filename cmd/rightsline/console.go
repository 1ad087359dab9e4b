package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/rightsline/rightsline/bot/discord"
	"github.com/rightsline/rightsline/bot/sms"
	"github.com/rightsline/rightsline/bot/whatsapp"
	"github.com/rightsline/rightsline/intake"
	"github.com/rightsline/rightsline/intake/console"
	"github.com/rightsline/rightsline/intake/publicstats"
	"github.com/rightsline/rightsline/intake/staffmail"
	"github.com/rightsline/rightsline/locales"
	"github.com/rightsline/rightsline/store"
)

// demoAdminEmail is the account serve creates on a new embedded database.
const demoAdminEmail = "admin@rightsline.localhost"

// mountConsole serves the staff console at /console. On a new embedded
// (SQLite) database outside production it first seeds the commissions and
// one demo admin, whose one-time password it prints once to stdout (never
// to the log).
func mountConsole(mux *http.ServeMux, a *app) error {
	ctx := context.Background()
	if a.freshDatabase && a.store.Dialect() == store.SQLite && !a.cfg.Production {
		if err := seedDemo(ctx, a); err != nil {
			return err
		}
	}
	svc := intake.NewService(a.store, a.catalog)
	svc.ChannelOn = channelOn(a)
	if p := whatsappPlanner(a); p != nil {
		svc.Planners = map[string]intake.SendPlanner{whatsapp.Channel: p}
	}
	c, err := console.New(console.Config{
		Store:           a.store,
		Notify:          svc.NotifyResident,
		Deliverable:     svc.DeliverableReason,
		SendNote:        svc.SendNote,
		Preview:         updatePreview(a.catalog),
		UpdateTemplates: []string{intake.UpdateRequestInfo, intake.UpdateGeneral},
		Categories:      intake.Categories,
		SecureCookies:   a.https(),
		ClientIP:        a.clientIP,
		Log:             a.log.With("part", "console"),
		Catalog:         a.catalog,
		Retention:       a.cfg.Retention,
		TranslationsChanged: func(ctx context.Context) error {
			_, err := applyTranslations(ctx, a)
			return err
		},
	})
	if err != nil {
		return err
	}
	c.Register(mux)
	// The public statistics of the commissions that opted in.
	ps, err := publicstats.New(publicstats.Config{Store: a.store, Catalog: a.catalog, Threshold: a.cfg.StatsMinCell, Log: a.log.With("part", "stats")})
	if err != nil {
		return err
	}
	ps.Register(mux)
	return nil
}

// channelOn says which channels this service sends staff updates on: the
// ones runOutbox registers a Sender for (SMS and Discord when configured;
// the simulator and terminal always).
func channelOn(a *app) func(string) bool {
	smsOn, err := smsEnabled(a.cfg)
	if err != nil {
		smsOn = false
	}
	discordOn := discordConfig(a.cfg).Enabled()
	_, whatsappOn, err := whatsappEnabled(a.cfg)
	if err != nil {
		whatsappOn = false
	}
	return func(ch string) bool {
		switch ch {
		case sms.Channel:
			return smsOn
		case whatsapp.Channel:
			return whatsappOn
		case discord.Channel:
			return discordOn
		}
		return true
	}
}

// updatePreview renders an update as intake.NotifyResident does (same
// template, same data: the reference and the commission's name), for the
// console to show staff what the resident will read.
func updatePreview(cat *locales.Catalog) console.PreviewFunc {
	return func(r store.Report, l locales.Lang, templateID string) (string, error) {
		queue := ""
		if c, ok := intake.DefaultRouting().Commission(r.CommissionID); ok {
			queue = c.Name
		} else {
			var err error
			if queue, err = cat.Text(l, "intake.queue.default", nil); err != nil {
				return "", err
			}
		}
		return cat.Text(l, templateID, map[string]string{"ref": r.Reference, "commission": queue})
	}
}

// seedDemo seeds the commissions and, if there is no staff account yet,
// a demo admin with a one-time password printed to a.stdout.
func seedDemo(ctx context.Context, a *app) error {
	if err := intake.SeedCommissions(ctx, a.store); err != nil {
		return err
	}
	var n int
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.CountStaff(ctx)
		return err
	})
	if err != nil || n > 0 {
		return err
	}
	pw, err := console.AddStaff(ctx, a.store, store.Staff{Email: demoAdminEmail, Name: "Demo admin", Role: store.RoleAdmin}, "", 0, "")
	if err != nil {
		return fmt.Errorf("seed demo admin: %w", err)
	}
	a.log.Info("new embedded database: seeded commissions and a demo admin; its one-time password is printed on stdout only")
	out := a.stdout
	if out == nil {
		out = io.Discard
	}
	fmt.Fprintf(out, "\nNew database: staff console demo admin\n  email:              %s\n  one-time password:  %s\n"+
		"  (shown only now; at first sign-in at /console you choose your own password,\n   then set up an authenticator app: admins must use sign-in codes)\n\n", demoAdminEmail, pw)
	return nil
}

// runStaff manages console accounts: `rightsline staff add`.
func runStaff(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	usage := func() {
		fmt.Fprintln(stderr, "Usage: rightsline staff add --email E [--role staff|admin|translator] [--commission ID] [--lang L[,L...]] [--name N] [--password-stdin]")
		fmt.Fprintln(stderr, "\nCreates a console account and prints its one-time password (or takes one from the first line of stdin")
		fmt.Fprintln(stderr, "with --password-stdin). The person chooses their own password at first sign-in.")
		fmt.Fprintln(stderr, "Staff need --commission (see `rightsline commissions list`); admins have none and see every commission.")
		fmt.Fprintln(stderr, "Translators need --lang (e.g. am, or am,es): they review those languages at /console/translate and see no report.")
	}
	if len(args) == 0 || args[0] != "add" {
		usage()
		return errUsage
	}
	fs := flag.NewFlagSet("staff add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(); fs.PrintDefaults() }
	email := fs.String("email", "", "the person's email, used to sign in (required)")
	role := fs.String("role", store.RoleStaff, "staff (one commission), admin (all commissions, staff management, audit log) or translator (--lang)")
	langs := fs.String("lang", "", "for a translator: the languages they review, comma-separated (am,es)")
	commission := fs.String("commission", "", "commission id for staff, e.g. dc-ohr")
	name := fs.String("name", "", "display name")
	fromStdin := fs.Bool("password-stdin", false, "read the one-time password from the first line of stdin instead of generating one")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	if *email == "" || fs.NArg() > 0 {
		usage()
		return errUsage
	}
	if *role != store.RoleStaff && *role != store.RoleAdmin && *role != store.RoleTranslator {
		fmt.Fprintf(stderr, "rightsline staff add: --role must be staff, admin or translator, not %q\n", *role)
		return errUsage
	}
	if (*role == store.RoleStaff) == (*commission == "") {
		fmt.Fprintln(stderr, "rightsline staff add: staff need --commission; admins and translators take none")
		return errUsage
	}
	if (*role == store.RoleTranslator) == (*langs == "") {
		fmt.Fprintln(stderr, "rightsline staff add: translators need --lang (e.g. --lang am); others take none")
		return errUsage
	}
	langList, err := console.ParseLangs(*langs)
	if err != nil {
		fmt.Fprintln(stderr, "rightsline staff add:", console.ErrorMessage(err))
		return errUsage
	}
	password := ""
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		if password = strings.TrimRight(line, "\r\n"); password == "" {
			return errors.New("no password on stdin")
		}
	}
	st, err := openStoreFromEnv(ctx, stdout)
	if err != nil {
		return err
	}
	defer st.Close()
	// Commissions come from the routing data file; make sure the one
	// named exists on a database serve has not seeded yet.
	if err := intake.SeedCommissions(ctx, st); err != nil {
		return err
	}
	who := store.Staff{Email: *email, Name: *name, Role: *role, CommissionID: *commission}
	var pw string
	if *role == store.RoleTranslator {
		pw, err = console.AddTranslator(ctx, st, who, langList, password, 0, "cli")
	} else {
		pw, err = console.AddStaff(ctx, st, who, password, 0, "cli")
	}
	if err != nil {
		if console.ErrorCode(err) == console.EINVALID {
			return errors.New(console.ErrorMessage(err))
		}
		return err
	}
	addr := strings.ToLower(strings.TrimSpace(*email))
	if *fromStdin {
		fmt.Fprintf(stdout, "Added %s %s. They sign in at /console with the password given and then choose their own.\n", *role, addr)
		return nil
	}
	fmt.Fprintf(stdout, "Added %s %s.\nOne-time password (shown only now): %s\nThey sign in at /console with it and then choose their own.\n", *role, addr, pw)
	return nil
}

// runStaffMail e-mails staff about new reports and, daily, deadlines
// (intake/staffmail), when SMTP_HOST is set; every instance runs it, the
// store's claims keep each mail to one instance.
func runStaffMail(ctx context.Context, a *app) error {
	if !a.cfg.SMTP.Enabled() {
		a.log.Info("staff e-mail off (no SMTP_HOST)")
		return nil
	}
	snd, err := staffmail.NewSMTP(a.cfg.SMTP)
	if err != nil {
		return err
	}
	base := a.cfg.PublicBaseURL
	if base == "" {
		base = "http://localhost" + a.cfg.ListenAddr
		if strings.HasPrefix(a.cfg.ListenAddr, "localhost") || !strings.HasPrefix(a.cfg.ListenAddr, ":") {
			base = "http://" + a.cfg.ListenAddr
		}
	}
	n, err := staffmail.New(staffmail.Config{Store: a.store, Sender: snd, BaseURL: base,
		DigestHour: a.cfg.StaffMailDigestHour, Poll: a.cfg.StaffMailPoll, Log: a.log.With("part", "staffmail")})
	if err != nil {
		return err
	}
	a.log.Info("staff e-mail on", "host", a.cfg.SMTP.Host, "digest_hour_utc", a.cfg.StaffMailDigestHour)
	return n.Run(ctx)
}
