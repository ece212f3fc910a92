package cli

import (
	"bufio"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
)

// pkgsrcAuditFlags are the options pkg_admin's audit commands share.
type pkgsrcAuditFlags struct {
	file, conf       string
	eol, ignored, q  bool
	sign             bool
	keyring          string
	sourceList       bool
	typ              string
	compatExit       bool
	historyOnlyFlags bool
}

func (f *pkgsrcAuditFlags) register(c *cobra.Command) {
	c.Flags().StringVarP(&f.file, "file", "f", "", "the pkg-vulnerabilities file (default $PKGVULNDIR/pkg-vulnerabilities)")
	c.Flags().StringVarP(&f.conf, "install-conf", "C", "", "pkg_install.conf to read (default: the first of /usr/pkg/etc/pkg_install.conf, /etc/pkg_install.conf that exists)")
	c.Flags().StringVarP(&f.typ, "type", "t", "", "only consider entries of exactly this classification")
	c.Flags().BoolVar(&f.compatExit, "compat-exit", false, "exit 1 on errors too, like pkg_admin")
	c.Flags().BoolVar(&f.sourceList, "source-list", false, "also accept the unsigned source list (#FORMAT 1.0.0)")
	c.Flags().BoolVarP(&f.sign, "sign", "s", false, "verify the OpenPGP signature of the file first")
	c.Flags().StringVar(&f.keyring, "keyring", "", "OpenPGP keyring for -s (default GPG_KEYRING_PKGVULN)")
	if f.historyOnlyFlags {
		return
	}
	c.Flags().BoolVarP(&f.eol, "eol", "e", false, "report end-of-life entries even when CHECK_END_OF_LIFE is not yes")
	c.Flags().BoolVarP(&f.ignored, "ignored", "i", false, "also report IGNORE_URL entries, marked as ignored")
	c.Flags().BoolVarP(&f.q, "quiet", "q", false, "print only the names of vulnerable packages")
}

// pkgsrcRun holds what every audit command needs.
type pkgsrcRun struct {
	flags *pkgsrcAuditFlags
	set   *pkgsrc.Settings
	file  *pkgsrc.File
	opts  pkgsrc.AuditOptions
}

func (f *pkgsrcAuditFlags) errCode() int {
	if f.compatExit {
		return ExitFound
	}
	return ExitError
}

func (f *pkgsrcAuditFlags) prepare(env *Env) (*pkgsrcRun, error) {
	set, err := pkgsrc.LoadSettings(f.conf, env.Getenv, pkgsrc.Defaults{ConfFiles: env.paths().InstallConf, DBDirs: env.paths().PkgsrcDBDirs})
	if err != nil {
		return nil, &codeError{f.errCode(), err}
	}
	path := f.file
	if path == "" {
		path = set.VulnFile()
	}
	var file *pkgsrc.File
	opts := pkgsrc.Options{SourceList: f.sourceList}
	if f.sign {
		keyring := f.keyring
		if keyring == "" {
			keyring = set.Get("GPG_KEYRING_PKGVULN", "")
		}
		// A failed verification exits 1 (as pkg_admin); the file parsed
		// is the text the signature covers.
		file, err = parsePkgsrcVerified(path, keyring, opts)
		var ce *codeError
		if errors.As(err, &ce) && ce.Code == ExitError {
			ce.Code = f.errCode()
		}
	} else {
		file, err = pkgsrc.ParseFile(path, opts)
		if err != nil {
			err = pkgsrcWrongFormat(path, err)
		}
	}
	if err != nil {
		var ce *codeError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, &codeError{f.errCode(), err}
	}
	for _, w := range file.Warnings {
		fmt.Fprintf(env.Stderr, "pkgaudit: %s: %s\n", path, w)
	}
	r := &pkgsrcRun{flags: f, set: set, file: file}
	r.opts = set.AuditOptions(f.eol, f.ignored, f.typ, f.q)
	return r, nil
}

// audit audits the names and maps the outcome to an exit code.
func (r *pkgsrcRun) audit(env *Env, names pkgsrc.Names) error {
	found, err := pkgsrc.NewIndex(r.file).AuditNames(env.Stdout, names, r.opts)
	if err != nil {
		return &codeError{r.flags.errCode(), err}
	}
	if found {
		return exitCode(ExitFound)
	}
	return nil
}

const pkgsrcAuditLong = `Options as pkg_admin's: -e reports end-of-life entries even when
CHECK_END_OF_LIFE is not "yes" (its default is yes); -i also reports the
entries whose URL is listed in IGNORE_URL, marked as ignored; -t TYPE keeps
only entries of exactly that classification; -q prints only package names.
CHECK_END_OF_LIFE, IGNORE_URL, PKGVULNDIR and PKG_DBDIR come from the
environment, else from pkg_install.conf (-C FILE). The output lines are
byte-identical to pkg_admin's, one per matching entry in file order.

Exit status: 0 nothing found, 1 vulnerable (or end-of-life) packages found,
2 error (1 with --compat-exit, as pkg_admin).`

func newPkgsrcAuditCmd(env *Env) *cobra.Command {
	f := &pkgsrcAuditFlags{}
	var dbdir string
	c := &cobra.Command{
		Use:   "audit [-eiq] [-t TYPE] [-f FILE] [-K PKG_DBDIR] [PATTERN...]",
		Short: "Audit the installed pkgsrc packages, like pkg_admin audit",
		Long: `Check every installed package (the sub-directories of PKG_DBDIR) whose name
matches one of the PATTERNs (default "*"), as pkg_admin audit does. A
package matched by several patterns is reported once per pattern, like
pkg_admin. Packages are visited in name order (pkg_admin: directory order).

` + pkgsrcAuditLong,
		Example: `  pkgaudit pkgsrc audit
  pkgaudit pkgsrc audit -K /var/db/pkg 'openssl*'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := f.prepare(env)
			if err != nil {
				return err
			}
			installed, err := inventory.PkgsrcNames(r.set.DBDir(dbdir))
			if err != nil {
				return &codeError{f.errCode(), err}
			}
			if len(args) == 0 {
				args = []string{"*"}
			}
			return r.audit(env, pkgsrc.Installed(installed, args))
		},
	}
	f.register(c)
	c.Flags().StringVarP(&dbdir, "pkg-dbdir", "K", "", "the installed-package database (default PKG_DBDIR)")
	return c
}

func newPkgsrcAuditPkgCmd(env *Env) *cobra.Command {
	f := &pkgsrcAuditFlags{}
	c := &cobra.Command{
		Use:   "audit-pkg [-eiq] [-t TYPE] [-f FILE] PKGNAME...",
		Short: "Audit package names against pkg-vulnerabilities, like pkg_admin audit-pkg",
		Long:  "Check each PKGNAME (name-version) against the pkgsrc vulnerability list.\n\n" + pkgsrcAuditLong,
		Example: `  pkgaudit pkgsrc audit-pkg -f testdata/pkgsrc/pkg-vulnerabilities-1.3817 asterisk-1.8.3
  pkgaudit pkgsrc audit-pkg -q -t denial-of-service openssl-1.0.0c`,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := f.prepare(env)
			if err != nil {
				return err
			}
			return r.audit(env, pkgsrc.List(args))
		},
	}
	f.register(c)
	return c
}

func newPkgsrcAuditBatchCmd(env *Env) *cobra.Command {
	f := &pkgsrcAuditFlags{}
	c := &cobra.Command{
		Use:   "audit-batch [-eiq] [-t TYPE] [-f FILE] LISTFILE...",
		Short: "Audit package names read from files (- for stdin), like pkg_admin audit-batch",
		Long: `Read package names, one per line, from each LISTFILE ("-" is standard
input) and check them as audit-pkg does. As pkg_admin: empty lines are
skipped, nothing else is trimmed, and lines longer than 4095 bytes are split
into several names.

` + pkgsrcAuditLong,
		Example: `  pkg_info -e '*' | pkgaudit pkgsrc audit-batch -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := f.prepare(env)
			if err != nil {
				return err
			}
			return r.audit(env, pkgsrc.BatchFiles(args, env.Stdin))
		},
	}
	f.register(c)
	return c
}

func newPkgsrcAuditHistoryCmd(env *Env) *cobra.Command {
	f := &pkgsrcAuditFlags{historyOnlyFlags: true}
	c := &cobra.Command{
		Use:   "audit-history [-f FILE] PKGBASE...",
		Short: "List every advisory ever filed for a package base, like pkg_admin audit-history",
		Long: `For each PKGBASE, print "PATTERN CLASS URL" for every non-eol entry whose
pattern belongs to that package base, in file order, as pkg_admin
audit-history does. IGNORE_URL and -t are not applied (pkg_admin accepts -t
and ignores it). Exit 0, or 2 on an error (1 with --compat-exit).`,
		Example: `  pkgaudit pkgsrc audit-history -f testdata/pkgsrc/pkg-vulnerabilities-1.3817 asterisk`,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := f.prepare(env)
			if err != nil {
				return err
			}
			w := bufio.NewWriter(env.Stdout)
			for _, base := range args {
				if err := pkgsrc.History(w, r.file.Entries, base); err != nil {
					w.Flush()
					return &codeError{f.errCode(), err}
				}
			}
			if err := w.Flush(); err != nil {
				return &codeError{f.errCode(), err}
			}
			return nil
		},
	}
	f.register(c)
	return c
}
