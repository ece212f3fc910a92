package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
	"github.com/pkgaudit/pkgaudit/pkgsrc/pattern"
)

func init() {
	registerSub("pkgsrc", newPkgsrcAuditCmd)
	registerSub("pkgsrc", newPkgsrcAuditPkgCmd)
	registerSub("pkgsrc", newPkgsrcAuditBatchCmd)
	registerSub("pkgsrc", newPkgsrcAuditHistoryCmd)
}

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
	c.Flags().StringVarP(&f.conf, "config", "C", "", "pkg_install.conf to read (default: the first of /usr/pkg/etc/pkg_install.conf, /etc/pkg_install.conf that exists)")
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

// pkgsrcSettings are the effective pkg_install.conf values.
type pkgsrcSettings struct {
	conf map[string]string
	env  *Env
}

func loadPkgsrcSettings(env *Env, path string) (*pkgsrcSettings, error) {
	s := &pkgsrcSettings{conf: map[string]string{}, env: env}
	candidates := []string{path}
	if path == "" {
		candidates = []string{"/usr/pkg/etc/pkg_install.conf", "/etc/pkg_install.conf"}
	}
	for _, c := range candidates {
		fh, err := safeopen.Open(c)
		if err != nil {
			if path == "" && errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("reading configuration: %w", err)
		}
		defer fh.Close()
		if s.conf, err = pkgsrc.ParseConf(fh); err != nil {
			return nil, fmt.Errorf("reading %s: %w", c, err)
		}
		break
	}
	return s, nil
}

// get returns a setting: the environment overrides the file (pkgaudit
// extends this to every variable; pkg_install only to PKG_DBDIR and a few).
func (s *pkgsrcSettings) get(name, def string) string {
	if v := s.env.Getenv(name); v != "" {
		return v
	}
	if v, ok := s.conf[name]; ok {
		return v
	}
	return def
}

// dbDir is PKG_DBDIR: -K, else the environment, else pkg_install.conf,
// else /usr/pkg/pkgdb (or /var/db/pkg when only that exists, as on NetBSD).
func (s *pkgsrcSettings) dbDir(flag string) string {
	if flag != "" {
		return flag
	}
	def := "/usr/pkg/pkgdb"
	if _, err := os.Stat(def); err != nil {
		if st, err := os.Stat("/var/db/pkg"); err == nil && st.IsDir() {
			def = "/var/db/pkg"
		}
	}
	return s.get("PKG_DBDIR", def)
}

func (s *pkgsrcSettings) vulnFile() string {
	return filepath.Join(s.get("PKGVULNDIR", s.dbDir("")), "pkg-vulnerabilities")
}

// pkgsrcRun holds what every audit command needs.
type pkgsrcRun struct {
	flags *pkgsrcAuditFlags
	set   *pkgsrcSettings
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
	set, err := loadPkgsrcSettings(env, f.conf)
	if err != nil {
		return nil, &codeError{f.errCode(), err}
	}
	path := f.file
	if path == "" {
		path = set.vulnFile()
	}
	if f.sign {
		keyring := f.keyring
		if keyring == "" {
			keyring = set.get("GPG_KEYRING_PKGVULN", "")
		}
		if err := verifyPkgsrcSignature(path, keyring); err != nil {
			return nil, &codeError{f.errCode(), err}
		}
	}
	file, err := pkgsrc.ParseFile(path, pkgsrc.Options{SourceList: f.sourceList})
	if err != nil {
		return nil, &codeError{f.errCode(), err}
	}
	for _, w := range file.Warnings {
		fmt.Fprintf(env.Stderr, "pkgaudit: %s: %s\n", path, w)
	}
	r := &pkgsrcRun{flags: f, set: set, file: file}
	r.opts = pkgsrc.AuditOptions{
		EOL:         f.eol || strings.EqualFold(set.get("CHECK_END_OF_LIFE", "yes"), "yes"),
		ShowIgnored: f.ignored,
		Type:        f.typ,
		Quiet:       f.q,
		IgnoreURL:   map[string]bool{},
	}
	if v := set.get("IGNORE_URL", ""); v != "" {
		for _, u := range strings.Split(v, "\n") {
			r.opts.IgnoreURL[u] = true
		}
	}
	return r, nil
}

// audit checks each name and maps the outcome to an exit code.
func (r *pkgsrcRun) audit(env *Env, names func(yield func(string) bool) error) error {
	ix := pkgsrc.NewIndex(r.file)
	w := bufio.NewWriter(env.Stdout)
	found := false
	var aerr error
	err := names(func(name string) bool {
		f, err := ix.Audit(w, name, r.opts)
		found = found || f
		aerr = err
		return err == nil
	})
	if ferr := w.Flush(); err == nil && aerr == nil {
		err = ferr
	}
	if err == nil {
		err = aerr
	}
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
			installed, err := pkgsrcInstalled(r.set.dbDir(dbdir))
			if err != nil {
				return &codeError{f.errCode(), err}
			}
			if len(args) == 0 {
				args = []string{"*"}
			}
			return r.audit(env, func(yield func(string) bool) error {
				for _, pat := range args {
					for _, name := range installed {
						ok, err := pattern.Match(pat, name)
						if err != nil {
							return err
						}
						if ok && !yield(name) {
							return nil
						}
					}
				}
				return nil
			})
		},
	}
	f.register(c)
	c.Flags().StringVarP(&dbdir, "pkg-dbdir", "K", "", "the installed-package database (default PKG_DBDIR)")
	return c
}

// pkgsrcInstalled lists the installed packages of a pkgsrc PKG_DBDIR: the
// names of its sub-directories, skipping what pkg_install skips. A missing
// directory means no packages.
func pkgsrcInstalled(dir string) ([]string, error) {
	ents, err := safeopen.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading PKG_DBDIR: %w", err)
	}
	var names []string
	for _, e := range ents {
		switch e.Name() {
		case "pkgdb.byfile.db", ".cookie", "pkg-vulnerabilities":
			continue
		}
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names, nil
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
			return r.audit(env, func(yield func(string) bool) error {
				for _, a := range args {
					if !yield(a) {
						break
					}
				}
				return nil
			})
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
			return r.audit(env, func(yield func(string) bool) error {
				for _, a := range args {
					var in io.Reader = env.Stdin
					if a != "-" {
						fh, err := safeopen.Open(a)
						if err != nil {
							return fmt.Errorf("Failed to open input file %s: %w", a, err)
						}
						defer fh.Close()
						in = fh
					}
					if !batchNames(in, yield) {
						break
					}
				}
				return nil
			})
		},
	}
	f.register(c)
	return c
}

// batchNames yields the names of a batch file as pkg_admin's fgets loop
// with a 4096-byte buffer does.
func batchNames(r io.Reader, yield func(string) bool) bool {
	br := bufio.NewReader(r)
	for {
		var b []byte
		for len(b) < 4095 {
			c, err := br.ReadByte()
			if err != nil {
				break
			}
			b = append(b, c)
			if c == '\n' {
				break
			}
		}
		if len(b) == 0 {
			return true
		}
		name := strings.TrimSuffix(string(b), "\n")
		if name != "" && !yield(name) {
			return false
		}
	}
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
