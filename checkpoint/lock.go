package checkpoint

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LockName is the file in a statement folder that a run holds an OS lock
// on (flock) while it uses the folder, and in which it writes its process
// id for the error another run gets. The lock, not the file, is what
// counts: a file left by a killed process is unlocked, and reused.
const LockName = "lock"

// InUseError is the error of a run that finds the statement folder locked.
type InUseError struct {
	Dir string
	PID int // 0 when the holder had not written it yet
}

func (e *InUseError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = "process " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("checkpoint folder %s is in use by %s: one run of a statement at a time may use its checkpoints", e.Dir, who)
}

// Lock is a run's hold on a statement folder.
type Lock struct {
	store *Store
	f     *os.File
}

// Lock takes the statement folder for this run, creating it if needed,
// or fails at once with an *InUseError if another run holds it.
func (s *Store) Lock() (*Lock, error) {
	if err := s.mkdir(); err != nil {
		return nil, err
	}
	path := filepath.Join(s.Dir, LockName)
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|openNoFollow, 0o644)
		if err != nil {
			return nil, fmt.Errorf("lock checkpoint folder: %w", err)
		}
		if held, err := tryLock(f); held || err != nil {
			data, _ := io.ReadAll(f)
			f.Close()
			if held {
				pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
				return nil, &InUseError{Dir: s.Dir, PID: pid}
			}
			return nil, fmt.Errorf("lock checkpoint folder: %w", err)
		}
		// The holder before us removes the file on release, possibly
		// between our open and our lock: then we hold a lock on a file
		// nobody else opens, and must take the one now at path.
		if sameFile(f, path) {
			if err := f.Truncate(0); err == nil {
				_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
			}
			return &Lock{store: s, f: f}, nil
		}
		f.Close()
	}
}

func sameFile(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Lstat(path)
	return err == nil && os.SameFile(a, b)
}

// Release gives the folder up: the lock file is removed while still
// locked (so a run waiting on it sees it is gone), then the folder and
// those above it that this process created are removed if empty.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := os.Remove(filepath.Join(l.store.Dir, LockName))
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	err = errors.Join(err, l.f.Close())
	l.f = nil
	l.store.Tidy()
	return err
}
