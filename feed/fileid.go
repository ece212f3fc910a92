package feed

import (
	"crypto/sha256"
	"errors"
	"io"
	"time"

	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// FileID identifies the state of a file cheaply, without reading it: its
// device, inode, size, modification and status-change times. Two equal
// non-zero FileIDs mean the file has not been written in between, unless
// the clock was set back or the file system's timestamps are too coarse
// to tell two writes apart (the status-change time cannot be set by
// utimes(2), so restoring an mtime does not defeat it). The zero FileID
// is unknown and never equal to another.
type FileID struct {
	Dev, Ino     uint64
	Size         int64
	MTime, CTime int64 // nanoseconds since the epoch
}

// Known reports whether id was taken.
func (id FileID) Known() bool { return id != FileID{} }

// Same reports whether id and o are known and equal.
func (id FileID) Same(o FileID) bool { return id.Known() && id == o }

// StatID returns the FileID of the file at path.
func StatID(path string) (FileID, error) {
	f, _, err := safeopen.OpenFileOrDir(path)
	if err != nil {
		return FileID{}, err
	}
	defer f.Close()
	return fileID(f)
}

// readFile reads the file at path and returns its content, its
// modification time and its FileID, taken before the read; the ID is zero
// when the file changed while it was read.
func readFile(path string) ([]byte, time.Time, FileID, error) {
	f, err := safeopen.Open(path)
	if err != nil {
		return nil, time.Time{}, FileID{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, FileID{}, err
	}
	if !st.Mode().IsRegular() {
		if st.IsDir() {
			return nil, time.Time{}, FileID{}, errors.New("is a directory")
		}
		data, err := io.ReadAll(f)
		return data, st.ModTime(), FileID{}, err
	}
	id, _ := fileID(f)
	data := make([]byte, 0, st.Size()+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, time.Time{}, FileID{}, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
	if after, _ := fileID(f); after != id || int64(len(data)) != id.Size {
		id = FileID{}
	}
	return data, st.ModTime(), id, nil
}

// fileInfo reads, stats and hashes a file a database pulled in.
func fileInfo(path string) (File, error) {
	data, mtime, id, err := readFile(path)
	if err != nil {
		return File{}, err
	}
	return File{Path: path, Hash: sha256.Sum256(data), Size: int64(len(data)), ModTime: mtime, ID: id}, nil
}
