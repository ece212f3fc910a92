package vuxml

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// Default limits (see ParseOptions).
const (
	DefaultMaxSize            = 256 << 20 // as FreeBSD pkg's cap on the extracted vuln.xml
	DefaultMaxDepth           = 64
	DefaultMaxEntityExpansion = 4 << 20
	DefaultMaxEntityDepth     = 16
)

// ParseOptions controls Parse and ParseFile. The zero value gives safe
// defaults.
type ParseOptions struct {
	// FileName is used in positions and error messages (Parse only;
	// ParseFile uses its path). External entities are resolved in its
	// directory; without it Parse refuses them.
	FileName string
	// NoExternalEntities refuses external entities (vuln.xml's
	// <!ENTITY vuln-2025 SYSTEM "vuln/2025.xml">) instead of resolving them
	// relative to the including file.
	NoExternalEntities bool
	// MaxSize limits the total input size in bytes, entities included
	// (0: DefaultMaxSize).
	MaxSize int64
	// MaxDepth limits element nesting (0: DefaultMaxDepth).
	MaxDepth int
	// MaxEntityExpansion limits the bytes of internal-entity replacement
	// text processed over the whole document (0: DefaultMaxEntityExpansion).
	MaxEntityExpansion int64
	// MaxEntityDepth limits the nesting of entity references inside
	// entities, and of external entities (0: DefaultMaxEntityDepth).
	MaxEntityDepth int
	// NoCopy lets Parse keep pointers into data instead of copying it
	// first: every string of the Document then shares data's memory, so
	// the caller must never modify data afterwards. It saves the copy
	// (time, and memory the size of the input). ParseFile never copies.
	NoCopy bool
	// Brief records of each entry only what an audit reads: VID, Pos,
	// Start, End, Topic, Affects (kinds, names, ranges and bounds, without
	// their positions), the <cvename> References (Kind and Value) and
	// Cancelled (without its position). The rest is left empty: Issues,
	// Description, Dates, the other references, the other positions. The
	// input is checked exactly as without Brief: the same documents are
	// accepted, and the same errors returned for the others.
	Brief bool
}

func (o ParseOptions) withDefaults() ParseOptions {
	if o.MaxSize <= 0 {
		o.MaxSize = DefaultMaxSize
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxEntityExpansion <= 0 {
		o.MaxEntityExpansion = DefaultMaxEntityExpansion
	}
	if o.MaxEntityDepth <= 0 {
		o.MaxEntityDepth = DefaultMaxEntityDepth
	}
	return o
}

// Parse parses a whole VuXML document, or a year fragment of <vuln>
// elements without a root, from data. Unless opts.NoCopy, the returned
// Document does not refer to data, which the caller may reuse.
func Parse(data []byte, opts ParseOptions) (*Document, error) {
	return parseFast(data, opts, opts.NoCopy)
}

// ParseFile reads and parses the VuXML document or fragment at path,
// resolving external entities relative to it unless refused.
func ParseFile(path string, opts ParseOptions) (*Document, error) {
	opts = opts.withDefaults()
	opts.FileName = path
	data, err := readLimited(path, opts.MaxSize)
	if err != nil {
		return nil, err
	}
	return parseFast(data, opts, true) // data is ours: no copy
}

// readLimited reads a file of at most max bytes.
func readLimited(name string, max int64) ([]byte, error) {
	f, err := safeopen.Open(name)
	if err != nil {
		return nil, fmt.Errorf("vuxml: %w", err)
	}
	defer f.Close()
	return readAllLimited(f, name, max)
}

func readAllLimited(r io.Reader, name string, max int64) ([]byte, error) {
	var size int64 = 512
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if st.Size() > max {
				return nil, tooLarge(name, max)
			}
			size = st.Size() + 1
		}
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, tooLarge(name, max)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("vuxml: reading %s: %w", name, err)
		}
	}
}

func tooLarge(name string, max int64) error {
	return errorAt(Pos{File: name}, fmt.Sprintf("input exceeds the size limit of %d bytes", max), ErrTooLarge)
}

// externalPath checks the system literal of an external entity: a
// relative path inside the including file's directory.
func externalPath(sys string) (string, error) {
	switch {
	case sys == "":
		return "", errors.New("empty system literal")
	case strings.Contains(sys, "://") || hasScheme(sys):
		return "", fmt.Errorf("%q is a URL; only files beside the document are read", sys)
	case strings.HasPrefix(sys, "/") || strings.Contains(sys, "\\") || filepath.IsAbs(sys):
		return "", fmt.Errorf("%q is an absolute path; only files beside the document are read", sys)
	}
	for _, seg := range strings.Split(sys, "/") {
		if seg == ".." {
			return "", fmt.Errorf("%q leaves the document's directory", sys)
		}
	}
	clean := path.Clean(sys)
	if !fs.ValidPath(clean) {
		return "", fmt.Errorf("%q is not a valid relative path", sys)
	}
	return clean, nil
}

func hasScheme(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// loadExternal reads the file of external entity d (once; later
// references reuse it), counting it against MaxSize. It returns the data
// and the file's name for positions.
func (s *pstate) loadExternal(d *entityDecl) ([]byte, string, string, error) {
	if d.ndata != "" {
		return nil, "", fmt.Sprintf("reference to unparsed entity &%s;", d.name), ErrSyntax
	}
	if s.opts.NoExternalEntities {
		return nil, "", fmt.Sprintf("external entity &%s; (SYSTEM %q) refused: external entities are disabled", d.name, d.system), ErrExternalEntity
	}
	if s.opts.FileName == "" {
		return nil, "", fmt.Sprintf("external entity &%s; (SYSTEM %q) refused: no file name to resolve it against", d.name, d.system), ErrExternalEntity
	}
	for _, a := range s.active {
		if a == d.name {
			return nil, "", fmt.Sprintf("external entity &%s; includes itself", d.name), ErrSyntax
		}
	}
	if len(s.active) >= s.opts.MaxEntityDepth {
		return nil, "", fmt.Sprintf("external entities nested more than %d deep", s.opts.MaxEntityDepth), ErrEntityLimit
	}
	rel, err := externalPath(d.system)
	if err != nil {
		return nil, "", fmt.Sprintf("external entity &%s; refused: %v", d.name, err), ErrExternalEntity
	}
	dir := filepath.Dir(s.opts.FileName)
	name := filepath.Join(dir, filepath.FromSlash(rel))
	if data, ok := s.files[rel]; ok {
		s.total += int64(len(data))
		if s.total > s.opts.MaxSize {
			return nil, name, fmt.Sprintf("input exceeds the size limit of %d bytes at &%s;", s.opts.MaxSize, d.name), ErrTooLarge
		}
		return data, name, "", nil
	}
	f, err := safeopen.OpenInRoot(dir, filepath.FromSlash(rel))
	if err != nil {
		return nil, name, fmt.Sprintf("external entity &%s;: %v", d.name, err), ErrExternalEntity
	}
	defer f.Close()
	data, err := readAllLimited(f, name, s.opts.MaxSize-s.total)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return nil, name, fmt.Sprintf("input exceeds the size limit of %d bytes at &%s;", s.opts.MaxSize, d.name), ErrTooLarge
		}
		return nil, name, fmt.Sprintf("external entity &%s;: %v", d.name, err), ErrExternalEntity
	}
	s.total += int64(len(data))
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	s.files[rel] = data
	return data, name, "", nil
}
