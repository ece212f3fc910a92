//go:build !unix

package audit

import "github.com/pkgaudit/pkgaudit/internal/safeopen"

// mapFile reads the file at path (no mapping on this system).
func mapFile(path string) (data []byte, unmap func(), err error) {
	data, err = safeopen.ReadFile(path)
	return data, nil, err
}
