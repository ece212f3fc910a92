package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

func newConfigCmd(env *Env) *cobra.Command {
	c := &cobra.Command{
		Use:   "config",
		Short: "Show or check pkgaudit's configuration (pkgaudit.toml and the environment)",
		Long: `pkgaudit reads its settings in layers, each overriding the one before:
built-in defaults; pkg_install.conf (PKG_DBDIR, PKGVULNDIR, PKGVULNURL,
GPG_KEYRING_PKGVULN); the system file (/usr/local/etc/pkgaudit.toml on
FreeBSD, /usr/pkg/etc/pkgaudit.toml elsewhere, else /etc/pkgaudit.toml);
the user file ($XDG_CONFIG_HOME/pkgaudit/pkgaudit.toml or
~/.config/pkgaudit/pkgaudit.toml); then the environment: PKG_DBDIR,
VULNXML_SITE, PKGVULNDIR, PKGVULNURL, GPG_KEYRING_PKGVULN, PKGAUDIT_OFFLINE.
--config FILE (or $PKGAUDIT_CONFIG) replaces the system and user files.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	c.AddCommand(newConfigShowCmd(env), newConfigCheckCmd(env))
	return c
}

func newConfigShowCmd(env *Env) *cobra.Command {
	var conf string
	c := &cobra.Command{
		Use:   "show [--config FILE]",
		Short: "Print the effective configuration as TOML, with where each value came from",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			cfg, err := env.loadConfig(conf)
			if err != nil {
				return &codeError{ExitError, err}
			}
			if err := cfg.WriteTOML(env.Stdout); err != nil {
				return &codeError{ExitError, err}
			}
			return nil
		},
	}
	c.Flags().StringVar(&conf, "config", "", "configuration file (default: the system and user pkgaudit.toml)")
	return c
}

func newConfigCheckCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE...",
		Short: "Check configuration files: unknown keys and bad values are reported with file:line",
		Long: `Check each FILE as pkgaudit would read it, reporting every unknown key
and bad value, not only the first (a file that is not TOML stops at its
syntax error). Silent when all are valid.
Exit status: 0 valid, 1 a file has an error (printed as FILE:LINE: message),
2 a file cannot be read.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			code := ExitOK
			for _, p := range args {
				data, err := configReadFile(p)
				if err != nil {
					fmt.Fprintf(env.Stderr, "pkgaudit: %v\n", err)
					code = ExitError
					continue
				}
				for _, err := range config.CheckAll(data, p) {
					fmt.Fprintf(env.Stderr, "pkgaudit: %v\n", err)
					code = max(code, ExitFound)
				}
			}
			return exitCode(code)
		},
	}
}

func configReadFile(p string) ([]byte, error) {
	f, err := safeopen.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, config.MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > config.MaxFileSize {
		return nil, errors.New(p + ": larger than 1 MiB")
	}
	return data, nil
}
