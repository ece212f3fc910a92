// Package dewey implements pkgsrc pkg_install's dewey version order
// (lib/dewey.c), including its 32-bit wrap-around arithmetic.
package dewey

// Compare compares two version strings as pkg_install's dewey_cmp does and
// returns -1, 0 or +1.
func Compare(a, b string) int {
	panic("TODO: version/dewey.Compare")
}
