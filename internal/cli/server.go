package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/fleet/serve"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/scan"
)

// defaultStore is where the server keeps its state without --store.
const defaultStore = "sqlite:/var/db/pkgaudit/fleet.db"

// serverFlags are the options of pkgaudit server.
type serverFlags struct {
	listen, store      string
	files              []string
	config             string
	tlsCert, tlsKey    string
	staleAfter         time.Duration
	rate               float64
	burst              int
	watch, refresh     time.Duration
	logFormat, logLvl  string
	noEOL              bool
	noExternalEntities bool
	// Dashboard, alerts, metrics (server_dash.go).
	dash dashFlags
}

const serverLong = `Runs the fleet server: agents (pkgaudit report) send their hosts'
inventories, the server audits every distinct package version once against
the databases and keeps each host's findings, and the API (/api/v1, see
docs/fleet.md and /api/v1/openapi.json) lists hosts, findings, advisories
with their blast radius, and packages.

Databases: -f FILE (repeatable) uses those files and reloads them when they
change on disk (checked every --watch) or on SIGHUP; without -f the server
uses the configured databases (freebsd.vulnxml) and refreshes them itself
with pkgaudit fetch's machinery every --refresh. A change re-evaluates only
the package versions whose advisories changed.

Store: --store sqlite:PATH (default ` + defaultStore + `) or a
postgres:// URL; the schema is created and migrated at start-up. Several
server processes may share one PostgreSQL store.

Tokens: pkgaudit server token create|list|revoke.`

func newServerCmd(env *Env) *cobra.Command {
	f := &serverFlags{}
	c := &cobra.Command{
		Use:   "server [flags]",
		Short: "Run the fleet server (hosts report to it; an API lists findings fleet-wide)",
		Long:  serverLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runServer(c.Context(), env, f)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address to listen on")
	fl.StringVar(&f.store, "store", defaultStore, "the store: sqlite:PATH or postgres://...")
	fl.StringArrayVarP(&f.files, "file", "f", nil, "vulnerability database (VuXML, pkg-vulnerabilities, OSV); repeatable; reloaded when it changes")
	fl.StringVar(&f.config, "config", "", "pkgaudit.toml to read instead of the system and user files")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM)")
	fl.StringVar(&f.tlsKey, "tls-key", "", "the certificate's private key (PEM)")
	fl.DurationVar(&f.staleAfter, "stale-after", 48*time.Hour, "a host without a report for this long is stale")
	fl.Float64Var(&f.rate, "rate", 20, "requests per second each token may make")
	fl.IntVar(&f.burst, "burst", 100, "requests a token may make at once")
	fl.DurationVar(&f.watch, "watch", 10*time.Second, "how often -f files are checked for changes")
	fl.DurationVar(&f.refresh, "refresh", time.Hour, "without -f: how often the configured databases are fetched")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text or json (standard error)")
	fl.StringVar(&f.logLvl, "log-level", "info", "log level: debug, info, warn, error")
	fl.BoolVar(&f.noEOL, "no-eol", false, "skip pkgsrc end-of-life entries")
	fl.BoolVar(&f.noExternalEntities, "no-external-entities", false, "refuse the external entities of a vuln.xml wrapper")
	addDashFlags(fl, &f.dash) // server_dash.go
	c.AddCommand(newServerTokenCmd(env))
	return c
}

func serverLogger(env *Env, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(env.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(env.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: text or json", format)
}

func runServer(ctx context.Context, env *Env, f *serverFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	log, err := serverLogger(env, f.logFormat, f.logLvl)
	if err != nil {
		return usageError("%v", err)
	}
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return usageError("--tls-cert and --tls-key go together")
	}
	cfg, err := env.loadConfig(f.config)
	if err != nil {
		return usageError("%v", err)
	}
	webhooks, mailer, err := f.dash.alertSinks() // server_dash.go
	if err != nil {
		return err
	}
	run := serve.Config{
		Listen: f.listen, TLSCert: f.tlsCert, TLSKey: f.tlsKey, Logger: log,
		Rate: f.rate, Burst: f.burst, StaleAfter: f.staleAfter, ToolVersion: Version,
		Databases: f.files, NoEOL: f.noEOL || scan.EnvNoEOL(env.Getenv), NoExternalEntity: f.noExternalEntities,
		Watch: f.watch, Refresh: f.refresh,
		Webhooks: webhooks, Mailer: mailer, MetricsListen: f.dash.metricsListen,
		FeedMaxAge: f.dash.feedMaxAge, AlertEvery: f.dash.alertEvery, LoginTTL: f.dash.loginTTL,
	}
	if len(run.Databases) == 0 {
		// The host's configured database (vuln.xml, or pkgsrc's on a
		// pkgsrc host), kept fresh with fetch's machinery.
		run.Databases = []string{cfg.DefaultDatabase()}
		run.Fetch = func(_ context.Context, p string) error { return fetchForAudit(env, cfg, p, true) }
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reload := make(chan struct{})
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				select {
				case reload <- struct{}{}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	run.Reload = reload

	if run.Store, err = store.Open(ctx, f.store, store.Options{}); err != nil {
		return &codeError{ExitError, err}
	}
	defer run.Store.Close()
	if err := serve.Run(ctx, run); err != nil {
		return &codeError{ExitError, err}
	}
	return nil
}

func newServerTokenCmd(env *Env) *cobra.Command {
	c := &cobra.Command{Use: "token", Short: "Create, list and revoke the server's API tokens", Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() }}
	var storeSpec string
	openStore := func(c *cobra.Command) (*store.Store, error) {
		st, err := store.Open(c.Context(), storeSpec, store.Options{Now: env.Now})
		if err != nil {
			return nil, &codeError{ExitError, err}
		}
		return st, nil
	}
	c.PersistentFlags().StringVar(&storeSpec, "store", defaultStore, "the store: sqlite:PATH or postgres://...")

	var role, host, label string
	create := &cobra.Command{
		Use:   "create --role agent|viewer|admin [--host NAME]",
		Short: "Create a token and print it (only this once) on standard output",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if !store.ValidRole(role) {
				return usageError("--role must be agent, viewer or admin")
			}
			if host != "" && role != store.RoleAgent {
				return usageError("--host binds agent tokens only")
			}
			st, err := openStore(c)
			if err != nil {
				return err
			}
			defer st.Close()
			tok, _, err := st.CreateToken(c.Context(), role, host, label)
			if err != nil {
				return &codeError{ExitError, err}
			}
			fmt.Fprintln(env.Stdout, tok)
			return nil
		},
	}
	create.Flags().StringVar(&role, "role", "", "agent (reports for one host), viewer (reads the API) or admin")
	create.Flags().StringVar(&host, "host", "", "agent tokens: the host it reports for (default: the first host it reports for)")
	create.Flags().StringVar(&label, "label", "", "a note shown by token list")

	list := &cobra.Command{
		Use:   "list",
		Short: "List the tokens (never the tokens themselves)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			st, err := openStore(c)
			if err != nil {
				return err
			}
			defer st.Close()
			toks, err := st.Tokens(c.Context())
			if err != nil {
				return &codeError{ExitError, err}
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tROLE\tHOST\tHASH\tCREATED\tLAST REPORT\tREVOKED\tLABEL")
			ts := func(t time.Time) string {
				if t.IsZero() {
					return "-"
				}
				return t.UTC().Format(time.RFC3339)
			}
			for _, t := range toks {
				h := t.Host
				if h == "" {
					h = "-"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, h, t.Prefix, ts(t.CreatedAt), ts(t.LastUsed), ts(t.RevokedAt), t.Label)
			}
			return tw.Flush()
		},
	}
	revoke := &cobra.Command{
		Use:   "revoke ID...",
		Short: "Revoke tokens by the ID token list shows",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			var ids []int64
			for _, a := range args {
				id, err := strconv.ParseInt(a, 10, 64)
				if err != nil {
					return usageError("token ID %q is not a number (see pkgaudit server token list)", a)
				}
				ids = append(ids, id)
			}
			st, err := openStore(c)
			if err != nil {
				return err
			}
			defer st.Close()
			for _, id := range ids {
				if err := st.RevokeToken(c.Context(), id); err != nil {
					return &codeError{ExitError, err}
				}
			}
			return nil
		},
	}
	c.AddCommand(create, list, revoke)
	return c
}
