package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/fleet/agent"
	"github.com/pkgaudit/pkgaudit/fleet/wire"
	"github.com/pkgaudit/pkgaudit/scan"
)

type reportFlags struct {
	server, token, tokenFile string
	caFile                   string
	host                     string
	tags                     []string
	jails                    []string
	print                    bool
	attempts                 int
	timeout                  time.Duration
	inv                      auditFlags // the inventory flags shared with audit
}

const reportLong = `Sends this host's packages to a fleet server (pkgaudit server): the
host's facts (name, system, release, architecture, FreeBSD kernel and
userland versions) and its inventory, as gzip'ed JSON, retried with
exponential backoff and jitter when the server cannot be reached or is busy.

What is reported (sources combine; the default is the installed packages),
as pkgaudit audit reads them:
  --installed          the FreeBSD installed packages ($PKG_DBDIR/local.sqlite)
  --from FILE|-        a list file, one name-version a line
  --pkgsrc-dbdir DIR   pkgsrc's installed packages
  --base               the FreeBSD base system (freebsd-version -k/-u)
  --base-version U[,K] the same from given freebsd-version strings
  --jail NAME|all      also the packages of running jails (jls(8)), each
                       from <jail root>/var/db/pkg; repeatable

The report replaces what the server knew of the host's inventories.

Exit status: 0 accepted, 2 error; with --print the server's verdict is
printed as pkgaudit audit prints it and the exit status is 1 when a package
is vulnerable.`

func newReportCmd(env *Env) *cobra.Command {
	f := &reportFlags{}
	c := &cobra.Command{
		Use:   "report --server URL --token TOKEN [--host NAME] [flags]",
		Short: "Report this host's packages to a fleet server (the agent)",
		Long:  reportLong,
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runReport(c.Context(), env, f)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.server, "server", "", "the fleet server's URL (http://host:port or https://...)")
	fl.StringVar(&f.token, "token", "", "the agent token (see pkgaudit server token create)")
	fl.StringVar(&f.tokenFile, "token-file", "", "read the token from FILE (keeps it out of the process list)")
	fl.StringVar(&f.caFile, "ca-file", "", "trust the server certificates signed by the CAs in this PEM file (instead of the system's)")
	fl.StringVar(&f.host, "host", "", "the host's name (default: the system's host name)")
	fl.StringArrayVar(&f.tags, "tag", nil, "a tag for the host (repeatable)")
	fl.StringArrayVar(&f.jails, "jail", nil, "also report the packages of the running jail NAME, or of all of them (repeatable)")
	fl.BoolVar(&f.print, "print", false, "print the server's verdict as pkgaudit audit does (exit 1 when vulnerable)")
	fl.IntVar(&f.attempts, "attempts", 5, "how many times to try sending the report")
	fl.DurationVar(&f.timeout, "timeout", 60*time.Second, "time limit of each attempt")
	fl.StringVar(&f.inv.config, "config", "", "pkgaudit.toml to read instead of the system and user files")
	fl.StringArrayVar(&f.inv.from, "from", nil, "report the packages listed in FILE, one name-version a line (- for standard input)")
	fl.BoolVar(&f.inv.installed, "installed", false, "report the FreeBSD installed packages (the default without other sources)")
	fl.StringVar(&f.inv.pkgsrcDBDir, "pkgsrc-dbdir", "", "report pkgsrc's installed packages in DIR")
	fl.BoolVar(&f.inv.base, "base", false, "report the FreeBSD base system of this host (freebsd-version)")
	fl.StringVar(&f.inv.baseVersion, "base-version", "", "report the FreeBSD base system USERLAND[,KERNEL] (freebsd-version strings)")
	return c
}

func runReport(ctx context.Context, env *Env, f *reportFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if f.server == "" {
		return usageError("--server URL is required")
	}
	if !strings.HasPrefix(f.server, "http://") && !strings.HasPrefix(f.server, "https://") {
		return usageError("--server %q is not an http:// or https:// URL", f.server)
	}
	tok, err := agent.ReadToken(f.token, f.tokenFile)
	if err != nil {
		if f.token == "" && f.tokenFile == "" || f.token != "" && f.tokenFile != "" {
			return usageError("%v", err)
		}
		return &codeError{ExitError, err}
	}
	cfg, err := env.loadConfig(f.inv.config)
	if err != nil {
		return &codeError{ExitError, err}
	}
	run := &auditRun{env: env, flags: &f.inv, cfg: cfg}
	sources, _, _ := run.sources()
	pkgs, failures, err := scan.Packages(ctx, sources)
	for _, e := range failures {
		fmt.Fprintf(env.Stderr, "pkgaudit: %v\n", e)
	}
	if err != nil {
		return &codeError{ExitError, err}
	}
	if len(failures) > 0 {
		return exitCode(ExitError)
	}
	host := agent.Facts(ctx)
	if f.host != "" {
		host.Name = f.host
	}
	if host.Name == "" {
		return usageError("the host name is unknown: give --host NAME")
	}
	host.Tags = f.tags
	host.AgentVersion = Version
	rep := &wire.Report{Version: wire.FormatVersion, Host: host}
	own, err := agent.Packages(pkgs)
	if err != nil {
		return &codeError{ExitError, err}
	}
	rep.Inventories = append(rep.Inventories, wire.Inventory{Jail: "", Packages: own})
	if len(f.jails) > 0 {
		invs, err := agent.JailInventories(ctx, f.jails)
		if err != nil {
			return &codeError{ExitError, err}
		}
		rep.Inventories = append(rep.Inventories, invs...)
	}
	if err := rep.Check(wire.DefaultLimits); err != nil {
		return &codeError{ExitError, err}
	}
	hc, err := agent.HTTPClient(f.timeout, f.caFile)
	if err != nil {
		return &codeError{ExitError, err}
	}
	c := &agent.Client{Server: f.server, Token: tok, Attempts: f.attempts, HTTP: hc}
	v, err := c.Send(ctx, rep)
	if err != nil {
		return &codeError{ExitError, fmt.Errorf("report to %s: %w", f.server, err)}
	}
	if !f.print {
		return nil
	}
	fmt.Fprint(env.Stdout, v.Text)
	if v.VulnerablePackages > 0 {
		return exitCode(ExitFound)
	}
	return nil
}
