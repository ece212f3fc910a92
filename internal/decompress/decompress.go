// Package decompress undoes the compression of a database file, detected
// from its content rather than its name: gzip, bzip2, xz and zstd, stacked
// layers too, up to a size limit. Plain input is returned as it is.
package decompress

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
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
	Zstd  Format = "zstd"
)

// maxZstdWindow caps the window a zstd frame may ask the decoder to
// allocate, whatever its header claims (zstd -19 uses 8 MiB, --long=27
// 128 MiB).
const maxZstdWindow = 128 << 20

// Sniff tells the compression format of data from its magic bytes.
func Sniff(data []byte) Format {
	switch {
	case len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b:
		return Gzip
	case len(data) >= 3 && string(data[:3]) == "BZh":
		return Bzip2
	case len(data) >= 6 && string(data[:6]) == "\xfd7zXZ\x00":
		return XZ
	case len(data) >= 4 && string(data[:4]) == "\x28\xb5\x2f\xfd":
		return Zstd
	case len(data) >= 4 && data[0]&0xf0 == 0x50 && string(data[1:4]) == "\x2a\x4d\x18":
		return Zstd // a skippable frame first
	}
	return Plain
}

// Bytes decompresses data, layer after layer, until it is plain. limit
// caps the size of every layer's output (<= 0: DefaultLimit).
func Bytes(data []byte, limit int64) ([]byte, error) {
	out, _, err := Unpack(data, limit)
	return out, err
}

// Unpack is Bytes that also tells which layers it undid, outermost first
// (none for plain input).
func Unpack(data []byte, limit int64) (_ []byte, layers []Format, _ error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	if len(data) == 0 {
		return nil, nil, ErrEmpty
	}
	for layer := 0; ; layer++ {
		f := Sniff(data)
		if f == Plain {
			return data, layers, nil
		}
		if layer == maxLayers {
			return nil, layers, fmt.Errorf("more than %d compression layers", maxLayers)
		}
		layers = append(layers, f)
		var r io.Reader
		var err error
		switch f {
		case Gzip:
			r, err = gzip.NewReader(bytes.NewReader(data))
		case Bzip2:
			r = bzip2.NewReader(bytes.NewReader(data))
		case XZ:
			r, err = xz.NewReader(bytes.NewReader(data))
		case Zstd:
			var zr *zstd.Decoder
			zr, err = zstd.NewReader(bytes.NewReader(data),
				zstd.WithDecoderConcurrency(1),
				zstd.WithDecoderLowmem(true),
				zstd.WithDecoderMaxWindow(uint64(max(zstd.MinWindowSize, min(limit, maxZstdWindow)))),
				zstd.WithDecoderMaxMemory(uint64(limit)+1))
			if err == nil {
				defer zr.Close()
				r = zr
			}
		}
		if err != nil {
			return nil, layers, fmt.Errorf("%s: %w", f, err)
		}
		out, err := io.ReadAll(io.LimitReader(r, limit+1))
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) && f == Gzip {
				return nil, layers, errors.New("truncated gzip input")
			}
			if f == Zstd && errors.Is(err, zstd.ErrDecoderSizeExceeded) {
				return nil, layers, ErrTooLarge
			}
			if f == Zstd && errors.Is(err, zstd.ErrWindowSizeExceeded) {
				return nil, layers, fmt.Errorf("%w (zstd window over %d bytes)", ErrTooLarge, min(limit, maxZstdWindow))
			}
			return nil, layers, fmt.Errorf("%s: %w", f, err)
		}
		if int64(len(out)) > limit {
			return nil, layers, ErrTooLarge
		}
		if len(out) == 0 {
			return nil, layers, ErrEmpty
		}
		data = out
	}
}
