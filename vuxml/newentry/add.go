package newentry

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// AddToFile inserts entry at the top of the year file at path (Insert)
// and replaces the file atomically, keeping its mode. It never writes into
// what is not VuXML, nor into the vuln.xml wrapper, nor a result that would
// not parse; the file is then left untouched. line is where the entry
// starts.
func AddToFile(path, entry string) (line int, err error) {
	st, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return 0, fmt.Errorf("%s does not exist: a new year file must be created and declared in vuln.xml first", path)
		}
		return 0, err
	}
	data, err := safeopen.ReadFile(path)
	if err != nil {
		return 0, err
	}
	if len(bytes.TrimSpace(data)) > 0 {
		if _, err := vuxml.Parse(data, vuxml.ParseOptions{FileName: path, NoExternalEntities: true}); err != nil {
			if strings.Contains(err.Error(), "external entit") {
				return 0, fmt.Errorf("%s includes year files (the vuln.xml wrapper), left untouched: new entries go into a year file, vuln/YYYY.xml", path)
			}
			return 0, fmt.Errorf("%v (not a VuXML document or year file; left untouched)", err)
		}
	}
	result, line := Insert(data, entry)
	if _, err := vuxml.Parse(result, vuxml.ParseOptions{FileName: path, NoExternalEntities: true}); err != nil {
		return 0, fmt.Errorf("%v (with the new entry inserted; left untouched)", err)
	}
	if err := atomicfile.Write(path, st.Mode().Perm(), func(w io.Writer) error {
		_, err := w.Write(result)
		return err
	}); err != nil {
		return 0, err
	}
	return line, nil
}
