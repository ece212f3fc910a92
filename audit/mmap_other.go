//go:build !unix

package audit

import "os"

// mapFile reads the file at path (no mapping on this system).
func mapFile(path string) (data []byte, unmap func(), err error) {
	data, err = os.ReadFile(path)
	return data, nil, err
}
