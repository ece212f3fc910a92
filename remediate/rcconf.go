package remediate

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// Service is an rc.d script a package installs, and whether rc.conf
// enables it.
type Service struct {
	// Name is the script's file name, which rc.subr(8) scripts use as
	// their name (and so as the rc.conf variable).
	Name string
	// Script is the installed path.
	Script string
	// Active is the path rc runs it from: Script on FreeBSD, /etc/rc.d/NAME
	// on NetBSD when the example script was copied there ("" when not).
	Active string
	// Var is the rc.conf variable that enables it: NAME_enable on
	// FreeBSD, NAME on NetBSD.
	Var string
	// Enabled reports whether the last assignment of Var says yes (YES,
	// TRUE, ON or 1, any case, as rc.subr's checkyesno); Value, File and
	// Line say where it was set ("" when it is not set).
	Enabled bool
	Value   string
	File    string
	Line    int
}

// rcdDirs are the directories whose files are rc.d scripts, per system.
var rcdDirs = map[System][]string{
	FreeBSD: {"/usr/local/etc/rc.d/"},
	NetBSD:  {"/usr/pkg/share/examples/rc.d/", "/etc/rc.d/"},
}

// rcConfFiles are the files rc reads variables from, in the order later
// ones override earlier ones (FreeBSD rc.subr load_rc_config: rc.conf,
// rc.conf.local, then rc.conf.d/NAME in /etc and /usr/local/etc; NetBSD
// rc.subr: /etc/rc.conf, then /etc/rc.conf.d/NAME).
func rcConfFiles(s System, name string) []string {
	switch s {
	case FreeBSD:
		return []string{"/etc/rc.conf", "/etc/rc.conf.local", "/etc/rc.conf.d/" + name, "/usr/local/etc/rc.conf.d/" + name}
	case NetBSD:
		return []string{"/etc/rc.conf", "/etc/rc.conf.d/" + name}
	}
	return nil
}

// Services finds the rc.d scripts among a package's installed files and
// reads, below root ("/" for the running system), whether rc.conf enables
// them. Systems without rc.d (SmartOS, macOS, Linux) have none.
func Services(s System, root string, files []string) ([]Service, error) {
	dirs := rcdDirs[s]
	if len(dirs) == 0 {
		return nil, nil
	}
	var out []Service
	seen := map[string]bool{}
	for _, f := range files {
		for _, d := range dirs {
			if !strings.HasPrefix(f, d) || strings.Contains(f[len(d):], "/") || f == d {
				continue
			}
			name := path.Base(f)
			if seen[name] {
				continue
			}
			seen[name] = true
			svc := Service{Name: name, Script: f}
			switch s {
			case FreeBSD:
				svc.Var = name + "_enable"
				svc.Active = f
			case NetBSD:
				svc.Var = name
				active := "/etc/rc.d/" + name
				if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(active))); err == nil {
					svc.Active = active
				}
			}
			for _, rc := range rcConfFiles(s, name) {
				set, err := readRCConf(filepath.Join(root, filepath.FromSlash(rc)))
				if err != nil {
					return nil, err
				}
				if v, ok := set[svc.Var]; ok {
					svc.Value, svc.File, svc.Line = v.value, rc, v.line
				}
			}
			svc.Enabled = yes(svc.Value)
			out = append(out, svc)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// yes is rc.subr's checkyesno.
func yes(v string) bool {
	switch strings.ToUpper(v) {
	case "YES", "TRUE", "ON", "1":
		return true
	}
	return false
}

type rcSetting struct {
	value string
	line  int
}

var rcAssign = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$`) })

// maxRCConf caps an rc.conf file.
const maxRCConf = 4 << 20

// readRCConf reads the plain assignments of a shell rc.conf file
// (NAME=value, NAME="value", NAME='value', with trailing comments); lines
// that are anything else (functions, conditionals, commands) are
// ignored, as are later uses of the variables. A missing file has none.
func readRCConf(file string) (map[string]rcSetting, error) {
	f, err := safeopen.Open(file)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && (st.IsDir() || st.Size() > maxRCConf) {
		if st.IsDir() {
			return nil, nil
		}
		return nil, fmt.Errorf("%s: larger than %d bytes", file, maxRCConf)
	}
	out := map[string]rcSetting{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), maxRCConf)
	n := 0
	for sc.Scan() {
		n++
		m := rcAssign().FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if v, ok := shellWord(m[2]); ok {
			out[m[1]] = rcSetting{v, n}
		}
	}
	return out, sc.Err()
}

// shellWord reads one shell word at the start of s: quoted with " or ',
// or bare up to white space, ';' or '#'; what follows may only be white
// space, ';' or a comment.
func shellWord(s string) (string, bool) {
	var b strings.Builder
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return "", false
			}
			inner := s[i+1 : i+1+j]
			if c == '"' && strings.ContainsAny(inner, "$`\\") {
				return "", false // expansions: not a plain value
			}
			b.WriteString(inner)
			i += j + 2
		case c == ' ' || c == '\t' || c == ';' || c == '#':
			rest := strings.TrimLeft(s[i:], " \t;")
			return b.String(), rest == "" || rest[0] == '#'
		case c == '$' || c == '`' || c == '\\' || c == '(' || c == '|' || c == '&':
			return "", false
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), true
}
