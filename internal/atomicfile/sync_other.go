//go:build !linux

package atomicfile

import (
	"os"
	"path/filepath"
	"sync"
)

// SyncFiles makes the files names, written into dir, durable before they are
// renamed into place: an fsync of each, a few at a time.
func SyncFiles(dir string, names []string) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	next := make(chan string)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range next {
				err := syncFile(filepath.Join(dir, n))
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, n := range names {
		next <- n
	}
	close(next)
	wg.Wait()
	return first
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
