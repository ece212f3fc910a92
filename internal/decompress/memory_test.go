package decompress

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"os/exec"
	"runtime"
	"testing"

	"github.com/ulikunitz/xz"
)

// xzHostile builds a tiny xz stream whose one block declares an LZMA2
// dictionary of the given property byte (40: 4 GiB - 1), followed by a
// little LZMA2 data (an uncompressed chunk) and a valid index and footer.
func xzHostile(dictProp byte) []byte {
	var b bytes.Buffer
	le32 := func(v uint32) { binary.Write(&b, binary.LittleEndian, v) }
	// Stream header: magic, flags (CRC32 check), CRC32 of the flags.
	flags := []byte{0x00, 0x01}
	b.WriteString("\xfd7zXZ\x00")
	b.Write(flags)
	le32(crc32.ChecksumIEEE(flags))
	// Block header: size byte, flags (one filter, no sizes), LZMA2 filter
	// with its dictionary property, padding, CRC32.
	hdr := []byte{0x02, 0x00, 0x21, 0x01, dictProp, 0, 0, 0}
	b.Write(hdr)
	le32(crc32.ChecksumIEEE(hdr))
	// LZMA2: one uncompressed chunk resetting the dictionary, the end.
	payload := []byte("hi\n")
	data := []byte{0x01, 0x00, byte(len(payload) - 1)}
	data = append(data, payload...)
	data = append(data, 0x00)
	b.Write(data)
	unpadded := int64(len(hdr)) + 4 + int64(len(data))
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
	le32(crc32.ChecksumIEEE(payload))
	unpadded += 4
	// Index: indicator, one record (unpadded size, uncompressed size),
	// padding, CRC32.
	idx := []byte{0x00, 0x01}
	idx = binary.AppendUvarint(idx, uint64(unpadded))
	idx = binary.AppendUvarint(idx, uint64(len(payload)))
	for len(idx)%4 != 0 {
		idx = append(idx, 0)
	}
	b.Write(idx)
	le32(crc32.ChecksumIEEE(idx))
	// Footer: CRC32 of backward size and flags, backward size, flags, YZ.
	var foot [6]byte
	binary.LittleEndian.PutUint32(foot[:4], uint32(len(idx)+4)/4-1)
	copy(foot[4:], flags)
	le32(crc32.ChecksumIEEE(foot[:]))
	b.Write(foot[:])
	b.WriteString("YZ")
	return b.Bytes()
}

// allocated runs f and returns how many bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A 100-byte xz file whose header declares a 4 GiB dictionary is refused
// before the decoder allocates it (ulikunitz/xz allocates the declared
// dictionary whole; under a memory limit the runtime aborted).
func TestXZHugeDictionary(t *testing.T) {
	evil := xzHostile(40)
	if len(evil) > 128 {
		t.Fatalf("hostile file is %d bytes", len(evil))
	}
	var err error
	n := allocated(func() { _, err = Bytes(evil, 0) })
	if !errors.Is(err, ErrMemory) {
		t.Errorf("4 GiB dictionary: %v, want ErrMemory", err)
	}
	if n > 64<<20 {
		t.Errorf("allocated %d bytes", n)
	}
	// The same file with a 1 MiB dictionary is a valid xz file.
	out, err := Bytes(xzHostile(8), 0)
	if err != nil || string(out) != "hi\n" {
		t.Errorf("1 MiB dictionary: %q %v", out, err)
	}
	// Just over the limit: refused; at the limit (128 MiB = 2<<26): read.
	if _, err := Bytes(xzHostile(31), 0); !errors.Is(err, ErrMemory) {
		t.Errorf("192 MiB dictionary: %v", err)
	}
	if xzDictSize(30) != MaxWindow {
		t.Fatalf("property 30 is %d bytes", xzDictSize(30))
	}
	// The streaming reader (package files) refuses it too.
	r, _, err := NewReader(bytes.NewReader(evil))
	if err == nil {
		_, err = io.ReadAll(r)
	}
	if !errors.Is(err, ErrMemory) {
		t.Errorf("NewReader: %v", err)
	}
	// A second stream, after a good one and stream padding, is checked too.
	two := append(append(xzHostile(8), 0, 0, 0, 0), evil...)
	if _, err := Bytes(two, 0); !errors.Is(err, ErrMemory) {
		t.Errorf("second stream: %v", err)
	}
}

// The guard follows real xz files: several blocks and streams, every
// check type, compressed and uncompressed chunks, from ulikunitz/xz and
// from xz(1) when it is installed.
func TestXZGuardFollowsRealFiles(t *testing.T) {
	var text bytes.Buffer
	for i := range 5000 {
		text.WriteString("line ")
		text.WriteString(string(rune('a' + i%26)))
		text.WriteString(string(make([]byte, i%7)))
		text.WriteByte('\n')
	}
	random := make([]byte, 64<<10)
	var x uint32 = 1
	for i := range random {
		x = x*1664525 + 1013904223
		random[i] = byte(x >> 24)
	}
	inputs := [][]byte{text.Bytes(), random, nil, []byte("x")}
	var files [][]byte
	for _, in := range inputs {
		for _, cfg := range []xz.WriterConfig{{}, {BlockSize: 4096}, {CheckSum: xz.CRC64}, {CheckSum: xz.SHA256, BlockSize: 100000}, {NoCheckSum: true}} {
			var b bytes.Buffer
			w, err := cfg.NewWriter(&b)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(in)
			w.Close()
			files = append(files, b.Bytes())
		}
	}
	if _, err := exec.LookPath("xz"); err == nil {
		for _, args := range [][]string{{"-9"}, {"-0"}, {"-T2", "--block-size=65536"}, {"--check=sha256"}, {"--check=none", "-e"}} {
			cmd := exec.Command("xz", append(args, "-c")...)
			cmd.Stdin = bytes.NewReader(append(text.Bytes(), random...))
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, out)
		}
	} else {
		t.Log("xz(1) not installed: only files of ulikunitz/xz")
	}
	files = append(files, append(append(files[0], 0, 0, 0, 0, 0, 0, 0, 0), files[5]...)) // two streams and padding
	for i, f := range files {
		g := newXZGuard(bytes.NewReader(f), MaxWindow)
		// Small reads, so that headers straddle them.
		buf := make([]byte, 7)
		for {
			_, err := g.Read(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("file %d (%d bytes): %v", i, len(f), err)
			}
		}
		if g.st != xzStreamPad {
			t.Errorf("file %d: ends in state %d", i, g.st)
		}
		if _, err := Bytes(f, 0); err != nil && !errors.Is(err, ErrEmpty) {
			t.Errorf("file %d: %v", i, err)
		}
	}
}

// A zstd frame asking for a 2 GiB window, and one asking for more than
// the output limit, are refused before any window is allocated.
func TestZstdHugeWindow(t *testing.T) {
	// Frame header: magic, descriptor (no checksum, no single segment,
	// no content size), window descriptor exponent 21 (2 GiB), then a
	// raw last block of 3 bytes.
	frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3, 0x19, 0x00, 0x00, 'h', 'i', '\n'}
	var err error
	n := allocated(func() { _, err = Bytes(frame, 0) })
	if !errors.Is(err, ErrMemory) {
		t.Errorf("2 GiB window: %v", err)
	}
	if n > 64<<20 {
		t.Errorf("allocated %d bytes", n)
	}
	r, _, err := NewReader(bytes.NewReader(frame))
	if err == nil {
		_, err = io.ReadAll(r)
	}
	if err == nil {
		t.Error("NewReader: 2 GiB window accepted")
	}
	ok := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x19, 0x00, 0x00, 'h', 'i', '\n'} // 1 KiB window
	if out, err := Bytes(ok, 0); err != nil || string(out) != "hi\n" {
		t.Errorf("1 KiB window: %q %v", out, err)
	}
}

// bzip2's block size is a digit of its header: anything else is refused.
func TestBzip2BadBlockSize(t *testing.T) {
	for _, h := range []string{"BZh0", "BZhA", "BZh\xff"} {
		if _, err := Bytes([]byte(h+"1AY&SY\x00\x00\x00\x00"), 0); err == nil {
			t.Errorf("%q accepted", h)
		}
	}
}

// FuzzXZGuard: the guard never refuses, as bad framing, a stream that the
// decoder reads whole without it (it follows the framing of every valid
// stream), and whatever passes the guard decodes as it does without.
func FuzzXZGuard(f *testing.F) {
	for _, cfg := range []xz.WriterConfig{{}, {BlockSize: 64}, {CheckSum: xz.SHA256}, {NoCheckSum: true}} {
		var b bytes.Buffer
		w, err := cfg.NewWriter(&b)
		if err != nil {
			f.Fatal(err)
		}
		w.Write([]byte("line one\nline two\nline three, a little longer than the others\n"))
		w.Close()
		f.Add(b.Bytes())
	}
	f.Add(xzHostile(8))
	f.Add(append(append(xzHostile(8), 0, 0, 0, 0), xzHostile(10)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Inputs that declare a large dictionary anywhere are left out:
		// the unguarded decoder would allocate it.
		for i := 0; i+2 < len(data); i++ {
			if data[i] == 0x21 && data[i+1] == 0x01 && data[i+2] > 24 {
				return
			}
		}
		plain, plainErr := readAllXZ(bytes.NewReader(data))
		guarded, guardErr := readAllXZ(newXZGuard(bytes.NewReader(data), MaxWindow))
		if plainErr == nil && guardErr != nil {
			t.Fatalf("the guard refuses a valid stream: %v", guardErr)
		}
		if guardErr == nil && !bytes.Equal(plain, guarded) {
			t.Fatal("the guard changed the output")
		}
	})
}

func readAllXZ(r io.Reader) ([]byte, error) {
	xr, err := xz.NewReader(r)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(xr, 1<<20))
}
