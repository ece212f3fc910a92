package pkgsrc

import (
	"bufio"
	"io"
)

// ParseConf reads a pkg_install.conf file as pkg_install's parse-config.c
// does: a line "NAME=value" with NAME at column 0 sets NAME to the rest of
// the line verbatim (no quoting, trimming or comment stripping); a repeated
// NAME appends "\n" and the new value; other lines are ignored.
func ParseConf(r io.Reader) (map[string]string, error) {
	conf := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		eq := -1
		for i := 0; i < len(l); i++ {
			c := l[i]
			if c == '=' {
				eq = i
				break
			}
			if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				break
			}
		}
		if eq <= 0 {
			continue
		}
		name, val := l[:eq], l[eq+1:]
		if old, ok := conf[name]; ok {
			val = old + "\n" + val
		}
		conf[name] = val
	}
	return conf, sc.Err()
}
