package decompress

import (
	"errors"
	"fmt"
	"io"

	"github.com/pkgaudit/pkgaudit/internal/bytesize"
)

// xzGuard sits between an xz stream and the xz decoder and follows the
// stream's framing (stream headers, block headers, LZMA2 chunk headers,
// block padding and checks, index, footers, stream padding) as the bytes
// pass. Before the decoder sees a block header, the guard reads the
// dictionary size its LZMA2 filter declares and refuses the stream when
// it is over maxDict: the decoder (ulikunitz/xz) allocates the whole
// dictionary a header declares, up to 4 GiB, before decoding a byte.
// The guard only reads the framing; everything else (checksums, index
// contents) is left to the decoder.
type xzGuard struct {
	r       io.Reader
	maxDict int64
	err     error

	st    xzState
	buf   [xzMaxHeader]byte
	n     int   // bytes collected in buf
	need  int   // bytes to collect in buf for the current state
	skip  int64 // bytes of payload to pass without looking
	check int   // size of the block check of the current stream
	data  int64 // compressed bytes of the current block, for its padding
	index int64 // bytes of the current index, for its padding
	count uint64
	vint  uint64 // varint being read
	vsh   uint
}

type xzState int

const (
	xzStreamHeader xzState = iota // collecting the 12 bytes of a stream header
	xzBlockOrIndex                // the first byte of a block header or the index indicator
	xzBlockHeader                 // collecting the rest of a block header
	xzChunk                       // an LZMA2 control byte
	xzChunkHeader                 // collecting the rest of an LZMA2 chunk header
	xzIndexCount                  // the index's number of records (varint)
	xzIndexRecords                // the records (2 varints each)
	xzIndexEnd                    // index padding and CRC32 (skip), then the footer
	xzFooter                      // collecting the 12 bytes of the stream footer
	xzStreamPad                   // 4 bytes: stream padding (zeros) or the start of a stream header
)

const xzMaxHeader = 1024 // a block header is at most 1024 bytes

// errXZFraming is what the guard says of a stream it cannot follow; the
// decoder would refuse it too.
var errXZFraming = errors.New("xz: corrupt stream framing")

func newXZGuard(r io.Reader, maxDict int64) *xzGuard {
	return &xzGuard{r: r, maxDict: maxDict, st: xzStreamHeader, need: 12}
}

func (g *xzGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if perr := g.scan(p[:n]); perr != nil {
		g.err = perr
		return 0, perr
	}
	return n, err
}

// scan follows the framing through b.
func (g *xzGuard) scan(b []byte) error {
	for len(b) > 0 {
		if g.skip > 0 {
			k := int64(len(b))
			if k > g.skip {
				k = g.skip
			}
			g.skip -= k
			b = b[k:]
			continue
		}
		switch g.st {
		case xzBlockOrIndex:
			c := b[0]
			b = b[1:]
			if c == 0 {
				g.st, g.index, g.vint, g.vsh = xzIndexCount, 1, 0, 0
				continue
			}
			g.buf[0] = c
			g.n, g.need = 1, (int(c)+1)*4
			g.st = xzBlockHeader
			continue
		case xzChunk:
			c := b[0]
			b = b[1:]
			g.data++
			switch {
			case c == 0:
				pad := (4 - g.data%4) % 4
				g.skip = pad + int64(g.check)
				g.st = xzBlockOrIndex
			case c == 1 || c == 2:
				g.n, g.need, g.buf[0] = 1, 3, c
				g.st = xzChunkHeader
			case c >= 0x80:
				g.n, g.need, g.buf[0] = 1, 5, c
				if c >= 0xc0 {
					g.need = 6
				}
				g.st = xzChunkHeader
			default:
				return errXZFraming
			}
			continue
		case xzIndexCount, xzIndexRecords:
			c := b[0]
			b = b[1:]
			g.index++
			if g.vsh > 63 {
				return errXZFraming
			}
			g.vint |= uint64(c&0x7f) << g.vsh
			g.vsh += 7
			if c&0x80 != 0 {
				continue
			}
			v := g.vint
			g.vint, g.vsh = 0, 0
			if g.st == xzIndexCount {
				g.count = 2 * v
				if v > 1<<62 {
					return errXZFraming
				}
				g.st = xzIndexRecords
			} else {
				g.count--
			}
			if g.count == 0 {
				g.skip = (4-g.index%4)%4 + 4
				g.st = xzIndexEnd
			}
			continue
		case xzIndexEnd:
			g.st, g.n, g.need = xzFooter, 0, 12
			continue
		}
		// Collecting states.
		k := copy(g.buf[g.n:g.need], b)
		g.n += k
		b = b[k:]
		if g.n < g.need {
			continue
		}
		if err := g.collected(); err != nil {
			return err
		}
	}
	return nil
}

// collected acts on a complete header in g.buf[:g.need].
func (g *xzGuard) collected() error {
	h := g.buf[:g.need]
	switch g.st {
	case xzStreamHeader:
		if string(h[:6]) != "\xfd7zXZ\x00" {
			return errXZFraming
		}
		g.check = xzCheckSize(h[7] & 0x0f)
		g.st = xzBlockOrIndex
	case xzStreamPad:
		if string(h) == "\x00\x00\x00\x00" {
			g.n = 0
			return nil
		}
		g.st, g.need = xzStreamHeader, 12 // the first 4 bytes are in buf
		return nil
	case xzBlockHeader:
		if err := g.blockHeader(h); err != nil {
			return err
		}
		g.data = 0
		g.st = xzChunk
	case xzChunkHeader:
		c := h[0]
		if c == 1 || c == 2 {
			g.skip = int64(h[1])<<8 | int64(h[2]) + 1
		} else {
			g.skip = int64(h[3])<<8 | int64(h[4]) + 1
		}
		g.data += int64(len(h)-1) + g.skip
		g.st = xzChunk
	case xzFooter:
		if string(h[10:12]) != "YZ" {
			return errXZFraming
		}
		g.st, g.n, g.need = xzStreamPad, 0, 4
		return nil
	}
	g.n = 0
	return nil
}

// blockHeader checks the filters of a block header: the LZMA2 filter's
// dictionary must be at most maxDict.
func (g *xzGuard) blockHeader(h []byte) error {
	if len(h) < 2 {
		return errXZFraming
	}
	flags := h[1]
	rest := h[2 : len(h)-4] // without the CRC32
	uvarint := func() (uint64, bool) {
		var v uint64
		for i := 0; i < len(rest) && i < 9; i++ {
			v |= uint64(rest[i]&0x7f) << (7 * i)
			if rest[i]&0x80 == 0 {
				rest = rest[i+1:]
				return v, true
			}
		}
		return 0, false
	}
	if flags&0x40 != 0 { // compressed size
		if _, ok := uvarint(); !ok {
			return errXZFraming
		}
	}
	if flags&0x80 != 0 { // uncompressed size
		if _, ok := uvarint(); !ok {
			return errXZFraming
		}
	}
	filters := int(flags&0x03) + 1
	for range filters {
		id, ok := uvarint()
		if !ok {
			return errXZFraming
		}
		size, ok := uvarint()
		if !ok || size > uint64(len(rest)) {
			return errXZFraming
		}
		props := rest[:size]
		rest = rest[size:]
		if id != 0x21 { // not LZMA2: the decoder refuses what it does not know
			continue
		}
		if len(props) != 1 || props[0] > 40 {
			return errXZFraming
		}
		if d := xzDictSize(props[0]); d > g.maxDict {
			return fmt.Errorf("%w: xz dictionary of %s over the %s limit", ErrMemory, bytesize.Format(d), bytesize.Format(g.maxDict))
		}
	}
	return nil
}

// xzDictSize decodes the LZMA2 dictionary size property.
func xzDictSize(b byte) int64 {
	if b == 40 {
		return 1<<32 - 1
	}
	return int64(2|b&1) << (b/2 + 11)
}

// xzCheckSize is the size of a block check of the given type.
func xzCheckSize(t byte) int {
	if t == 0 {
		return 0
	}
	return 4 << ((t - 1) / 3)
}
