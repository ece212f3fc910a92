package vuxml

import "errors"

// ErrNotImplemented is returned until the parser lands.
var ErrNotImplemented = errors.New("vuxml: parser not implemented yet")

// ParseOptions controls Parse and ParseFile. The zero value gives safe
// defaults.
type ParseOptions struct {
	// FileName is used in positions and error messages (Parse only;
	// ParseFile uses its path).
	FileName string
	// NoExternalEntities refuses external entities (vuln.xml's
	// <!ENTITY vuln-2025 SYSTEM "vuln/2025.xml">) instead of resolving them
	// relative to the including file.
	NoExternalEntities bool
	// MaxSize limits the total input size in bytes, entities included
	// (0: a default limit).
	MaxSize int64
	// MaxDepth limits element nesting (0: a default limit).
	MaxDepth int
}

// Parse parses a whole VuXML document, or a year fragment of <vuln>
// elements without a root, from data.
func Parse(data []byte, opts ParseOptions) (*Document, error) {
	return nil, ErrNotImplemented
}

// ParseFile reads and parses the VuXML document or fragment at path,
// resolving external entities relative to it unless refused.
func ParseFile(path string, opts ParseOptions) (*Document, error) {
	return nil, ErrNotImplemented
}
