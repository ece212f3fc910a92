package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/server"
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
	paths := f.files
	fetching := len(paths) == 0
	if fetching {
		paths = []string{cfg.DefaultDatabase()} // the host's: vuln.xml, or pkgsrc's on a pkgsrc host
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	st, err := store.Open(ctx, f.store, store.Options{})
	if err != nil {
		return &codeError{ExitError, err}
	}
	defer st.Close()
	srv := server.New(server.Config{Store: st, Logger: log, Rate: f.rate, Burst: f.burst, StaleAfter: f.staleAfter, ToolVersion: Version})
	dash, err := setupDash(ctx, &f.dash, f, st, srv, log) // server_dash.go
	if err != nil {
		return err
	}
	load := func() error {
		db, err := fleet.Open(paths, fleet.OpenOptions{NoEOL: f.noEOL || scan.EnvNoEOL(env.Getenv)})
		if err != nil {
			return err
		}
		start := time.Now()
		if _, err = srv.SetDB(ctx, db); err == nil {
			dash.loaded(ctx, db, time.Since(start)) // server_dash.go
		}
		return err
	}
	if fetching {
		for _, p := range paths {
			err := fetchForAudit(env, cfg, p, true)
			dash.fetched(p, err)
			if err != nil {
				if _, serr := os.Stat(p); serr != nil {
					return &codeError{ExitError, fmt.Errorf("fetching %s: %w", p, err)}
				}
				log.Warn("fetching the database failed; using the copy on disk", "path", p, "err", err)
			}
		}
	}
	if err := load(); err != nil {
		return &codeError{ExitError, err}
	}

	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return &codeError{ExitError, err}
	}
	hs := server.HTTPServer(f.listen, dash.handler, log)
	hs.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	errc := make(chan error, 1)
	go func() {
		if f.tlsCert != "" {
			errc <- hs.ServeTLS(ln, f.tlsCert, f.tlsKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	scheme := "http"
	if f.tlsCert != "" {
		scheme = "https"
	}
	log.Info("serving", "url", scheme+"://"+ln.Addr().String(), "store", st.Kind(), "databases", len(paths))

	go watchDatabases(ctx, env, log, cfg, paths, fetching, f, load, dash.fetched)

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return &codeError{ExitError, err}
		}
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	log.Info("shutting down")
	hs.Shutdown(sctx)
	return nil
}

// watchDatabases reloads the databases when a -f file changes or on
// SIGHUP; without -f it fetches the configured databases every refresh.
func watchDatabases(ctx context.Context, env *Env, log *slog.Logger, cfg *config.Config, paths []string, fetching bool, f *serverFlags, load func() error, fetched func(path string, err error)) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	stamp := func() string {
		s := ""
		for _, p := range paths {
			if st, err := os.Stat(p); err == nil {
				s += fmt.Sprintf("%s %d %d;", p, st.Size(), st.ModTime().UnixNano())
			} else {
				s += p + " missing;"
			}
		}
		return s
	}
	last := stamp()
	interval := f.watch
	if fetching {
		interval = f.refresh
	}
	if interval <= 0 {
		interval = 10 * time.Second
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		reason := ""
		select {
		case <-ctx.Done():
			return
		case <-hup:
			reason = "SIGHUP"
		case <-tick.C:
			if fetching {
				for _, p := range paths {
					err := fetchForAudit(env, cfg, p, true)
					if err != nil {
						log.Warn("refreshing the database failed", "path", p, "err", err)
					}
					fetched(p, err)
				}
			}
		}
		now := stamp()
		if reason == "" && now == last {
			continue
		}
		if reason == "" {
			reason = "changed on disk"
		}
		last = now
		log.Info("reloading the databases", "reason", reason)
		if err := load(); err != nil {
			log.Error("reloading the databases failed; keeping the loaded ones", "err", err)
		}
	}
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
