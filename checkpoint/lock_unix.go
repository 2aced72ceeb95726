//go:build unix

package checkpoint

import (
	"errors"
	"os"
	"syscall"
)

// openNoFollow makes opening the lock file fail on a symbolic link.
const openNoFollow = syscall.O_NOFOLLOW

// tryLock takes an exclusive flock on f without waiting; held reports
// that another open file holds it. The kernel drops it when its holder's
// process ends, killed or not.
func tryLock(f *os.File) (held bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}
