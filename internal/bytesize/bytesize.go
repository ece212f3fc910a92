// Package bytesize writes byte counts in the largest binary unit that
// divides them exactly (4 MiB), for messages and configuration files.
package bytesize

import "strconv"

var units = []struct {
	name string
	m    int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}

// format writes n in the largest unit that divides it, the number and
// the unit separated by sep; plain is the unit of a count no unit divides.
func format(n int64, sep, plain string) string {
	for _, u := range units {
		if n >= u.m && n%u.m == 0 {
			return strconv.FormatInt(n/u.m, 10) + sep + u.name
		}
	}
	return strconv.FormatInt(n, 10) + plain
}

// Format writes n for a message: "4 MiB", "1000 bytes".
func Format(n int64) string { return format(n, " ", " bytes") }

// Compact writes n as a configuration value: "4MiB", "1000".
func Compact(n int64) string { return format(n, "", "") }
