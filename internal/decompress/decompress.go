// Package decompress undoes the compression of a database file, detected
// from its content rather than its name: gzip (stacked layers too), bzip2
// and xz, up to a size limit. Plain input is returned as it is.
package decompress

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/ulikunitz/xz"
)

// DefaultLimit is the default cap on the decompressed size (256 MiB, as
// FreeBSD pkg uses for vuln.xml).
const DefaultLimit = 256 << 20

// maxLayers bounds how many compression layers are undone.
const maxLayers = 4

// Errors.
var (
	// ErrEmpty is returned for empty input (libarchive: "Unrecognized
	// archive format").
	ErrEmpty = errors.New("Unrecognized archive format")
	// ErrTooLarge is returned when the output would exceed the limit.
	ErrTooLarge = errors.New("decompressed data too large")
)

// Format names a compression format.
type Format string

// Formats.
const (
	Plain Format = ""
	Gzip  Format = "gzip"
	Bzip2 Format = "bzip2"
	XZ    Format = "xz"
)

// Sniff tells the compression format of data from its magic bytes.
func Sniff(data []byte) Format {
	switch {
	case len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b:
		return Gzip
	case len(data) >= 3 && string(data[:3]) == "BZh":
		return Bzip2
	case len(data) >= 6 && string(data[:6]) == "\xfd7zXZ\x00":
		return XZ
	}
	return Plain
}

// Bytes decompresses data, layer after layer, until it is plain. limit
// caps the size of every layer's output (<= 0: DefaultLimit).
func Bytes(data []byte, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	if len(data) == 0 {
		return nil, ErrEmpty
	}
	for layer := 0; ; layer++ {
		f := Sniff(data)
		if f == Plain {
			return data, nil
		}
		if layer == maxLayers {
			return nil, fmt.Errorf("more than %d compression layers", maxLayers)
		}
		var r io.Reader
		var err error
		switch f {
		case Gzip:
			r, err = gzip.NewReader(bytes.NewReader(data))
		case Bzip2:
			r = bzip2.NewReader(bytes.NewReader(data))
		case XZ:
			r, err = xz.NewReader(bytes.NewReader(data))
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out, err := io.ReadAll(io.LimitReader(r, limit+1))
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) && f == Gzip {
				return nil, errors.New("truncated gzip input")
			}
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if int64(len(out)) > limit {
			return nil, ErrTooLarge
		}
		if len(out) == 0 {
			return nil, ErrEmpty
		}
		data = out
	}
}
