//go:build !freebsd

package inventory

// HostBase returns Base of the running FreeBSD system; elsewhere it
// returns ErrNoHostBase.
func HostBase() ([]Package, error) { return nil, ErrNoHostBase }
