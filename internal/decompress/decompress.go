// Package decompress undoes the compression of a database file, detected
// from its content rather than its name: gzip, bzip2, xz and zstd, stacked
// layers too, up to a size limit. Plain input is returned as it is.
package decompress

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"

	"github.com/pkgaudit/pkgaudit/internal/bytesize"
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
	// ErrMemory is returned when a stream's header asks for more memory
	// than MaxWindow (an xz dictionary, a zstd window).
	ErrMemory = errors.New("compressed stream asks for too much memory")
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

// MaxWindow caps the memory a compressed stream may ask the decoder to
// set aside for its history, whatever its header claims: the zstd window
// and the xz (LZMA2) dictionary. zstd -19 uses 8 MiB, --long=27 128 MiB;
// xz -9 uses 64 MiB. gzip's window is 32 KiB and bzip2's block at most
// 900 kB by their formats.
const MaxWindow = 128 << 20

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
		r, err := newReader(bytes.NewReader(data), f, limit)
		if err != nil {
			return nil, layers, err
		}
		out, err := io.ReadAll(io.LimitReader(r, limit+1))
		r.Close()
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) && f == Gzip {
				return nil, layers, errors.New("truncated gzip input")
			}
			if f == Zstd && errors.Is(err, zstd.ErrDecoderSizeExceeded) {
				return nil, layers, ErrTooLarge
			}
			if f == Zstd && errors.Is(err, zstd.ErrWindowSizeExceeded) {
				// A window larger than the output may be is refused as
				// too large an output; one over MaxWindow as too much
				// memory.
				kind := ErrMemory
				if limit < MaxWindow {
					kind = ErrTooLarge
				}
				return nil, layers, fmt.Errorf("%w: zstd window over %s", kind, bytesize.Format(zstdWindow(limit)))
			}
			if errors.Is(err, ErrMemory) {
				return nil, layers, err
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

// NewReader returns a reader of the decompressed content of r, whose
// compression is sniffed from its first bytes (plain content is passed
// through), and the format found. Memory stays bounded whatever the
// headers claim (MaxWindow); the output is not: the caller caps what it
// reads. Close releases the decoder.
func NewReader(r io.Reader) (io.ReadCloser, Format, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(6)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, Plain, err
	}
	f := Sniff(magic)
	if f == Plain {
		return io.NopCloser(br), Plain, nil
	}
	rc, err := newReader(br, f, 0)
	return rc, f, err
}

// zstdWindow is the largest zstd window accepted when the output is
// capped at limit bytes (0: not capped).
func zstdWindow(limit int64) int64 {
	if limit <= 0 {
		return MaxWindow
	}
	return max(zstd.MinWindowSize, min(limit, MaxWindow))
}

// newReader opens the decoder of format f on r; limit, when above 0, is
// the cap on the output, which also bounds the zstd window.
func newReader(r io.Reader, f Format, limit int64) (io.ReadCloser, error) {
	var out io.Reader
	var err error
	switch f {
	case Gzip:
		out, err = gzip.NewReader(r)
	case Bzip2:
		out = bzip2.NewReader(r)
	case XZ:
		out, err = xz.NewReader(newXZGuard(r, MaxWindow))
	case Zstd:
		opts := []zstd.DOption{
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(uint64(zstdWindow(limit))),
		}
		if limit > 0 {
			opts = append(opts, zstd.WithDecoderMaxMemory(uint64(limit)+1))
		}
		var zr *zstd.Decoder
		if zr, err = zstd.NewReader(r, opts...); err == nil {
			return zstdCloser{zr}, nil
		}
	default:
		return io.NopCloser(r), nil
	}
	if err != nil {
		if errors.Is(err, ErrMemory) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", f, err)
	}
	return io.NopCloser(out), nil
}

// zstdCloser releases the decoder's goroutines on Close.
type zstdCloser struct{ *zstd.Decoder }

func (z zstdCloser) Close() error { z.Decoder.Close(); return nil }
