//go:build !unix

package feed

import "os"

// fileID without inode and status-change time: size and mtime only.
func fileID(f *os.File) (FileID, error) {
	st, err := f.Stat()
	if err != nil {
		return FileID{}, err
	}
	return FileID{Size: st.Size(), MTime: st.ModTime().UnixNano()}, nil
}
