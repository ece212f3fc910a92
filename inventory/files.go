package inventory

import (
	"bufio"
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"
)

// MaxFiles caps the number of installed files read for one package.
const MaxFiles = 1 << 20

// PkgDBFiles returns the files package name installed, from the files
// table of FreeBSD pkg's database dir/local.sqlite (dir is PKG_DBDIR), in
// path order. The database is opened read-only; a missing database or
// package gives no files.
func PkgDBFiles(dir, name string) ([]string, error) {
	p, ok, err := pkgDBPath(dir)
	if !ok {
		return nil, err
	}
	var out []string
	err = readLocalSQLite(p, func(tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.Query(`SELECT f.path FROM files AS f INNER JOIN packages AS p ON (p.id = f.package_id) WHERE p.name = ?1 ORDER BY f.path`, name)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s sql.NullString
			if err := rows.Scan(&s); err != nil {
				return err
			}
			if out = append(out, s.String); len(out) > MaxFiles {
				return fmt.Errorf("%s installs more than %d files", name, MaxFiles)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("reading the files of %s from %s: %w", name, p, err)
	}
	return out, nil
}

// PkgsrcFiles returns the files an installed pkgsrc package holds, from
// the +CONTENTS packing list of its PKG_DBDIR directory (Package.Path of
// FromPkgsrcDB). A missing +CONTENTS gives no files.
func PkgsrcFiles(pkgdir string) ([]string, error) {
	data, err := readMetaFile(filepath.Join(pkgdir, "+CONTENTS"))
	if err != nil {
		return nil, err
	}
	files, err := ParseContents(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(pkgdir, "+CONTENTS"), err)
	}
	return files, nil
}

// ParseContents returns the absolute paths of the files a pkgsrc packing
// list (+CONTENTS) names: every line that is not an @-directive, relative
// to the directory of the last @cwd (pkg_create(1)); @comment, @pkgdep,
// @dirrm and the other directives are skipped, and so is the line after
// @ignore. Paths are cleaned; file lines before any @cwd are relative to
// "/".
func ParseContents(r io.Reader) ([]string, error) {
	cwd := "/"
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxMetaFile)
	ignoreNext := false
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "@") {
			dir, arg, _ := strings.Cut(line, " ")
			switch dir {
			case "@cwd", "@cd":
				if a := strings.TrimSpace(arg); a != "" {
					cwd = a
				}
			case "@ignore":
				ignoreNext = true
			}
			continue
		}
		if ignoreNext {
			ignoreNext = false
			continue
		}
		p := line
		if !strings.HasPrefix(p, "/") {
			p = path.Join(cwd, p)
		}
		if out = append(out, path.Clean(p)); len(out) > MaxFiles {
			return nil, fmt.Errorf("more than %d files", MaxFiles)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
