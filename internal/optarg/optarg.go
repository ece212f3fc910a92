// Package optarg gives pflag getopt's reading of short options whose
// argument is optional.
package optarg

import "github.com/spf13/pflag"

// Attach gives the flags of fs whose argument is optional (NoOptDefVal,
// getopt's "R::") getopt's reading: the argument is the rest of the
// short-option word ("-Rjson", "-qRjson"), never the next word. pflag
// itself takes no attached argument for such flags, so the word is
// rewritten to the "-R=json" form it does take. Words after "--" and
// long options are left alone.
func Attach(fs *pflag.FlagSet, args []string) []string {
	var out []string
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' {
			out = append(out, a)
			continue
		}
	walk:
		for j := 1; j < len(a); j++ {
			f := fs.ShorthandLookup(a[j : j+1])
			switch {
			case f == nil:
				break walk
			case f.NoOptDefVal != "" && f.Value.Type() != "bool":
				if j+1 < len(a) && a[j+1] != '=' {
					if j > 1 {
						out = append(out, a[:j])
					}
					a = "-" + a[j:j+1] + "=" + a[j+1:]
				}
				break walk
			case f.NoOptDefVal == "":
				break walk // the rest of the word is this flag's argument
			}
		}
		out = append(out, a)
	}
	return out
}
