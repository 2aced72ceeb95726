package exec

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
)

// A Spark session's tables outlive a client that dies mid-run: Spark's
// catalog is the server's. So every table name carries a tag saying which
// client made it, "<host>p<pid>r<random>" (host: a short hash of this
// machine's name), and a new session drops the tables of clients on this
// machine whose process is gone. Tables of other machines, and of live
// processes, are never touched: only the client that made a table can
// tell that it is dead.

// sessionTag is the tag of a new session of this process.
func sessionTag() (string, error) {
	var b [2]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return fmt.Sprintf("%sp%dr%s", hostTag(), os.Getpid(), hex.EncodeToString(b[:])), nil
}

// hostTag is a short hash of the machine's name.
func hostTag() string {
	name, _ := os.Hostname()
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:3])
}

// taggedTable reads a table name made by tableName (or a file view).
var taggedTable = regexp.MustCompile(`^__itersql_([0-9a-f]{6})p([0-9]+)r[0-9a-f]{4}_`)

// sweep drops the tables that itersql clients of this machine left in the
// current database of the session when they died, and returns their
// names.
func (e *sparkEngine) sweep(ctx context.Context) ([]string, error) {
	res, err := e.query(ctx, "SHOW TABLES LIKE '__itersql_*'")
	if err != nil {
		return nil, err
	}
	host := hostTag()
	var dropped []string
	var errs []error
	for _, row := range res.Rows {
		name, _ := row[1].(string)
		if temporary, _ := row[2].(bool); temporary {
			continue // a view of a live session; it ends with it
		}
		m := taggedTable.FindStringSubmatch(name)
		if m == nil || m[1] != host {
			continue
		}
		if pid, err := strconv.Atoi(m[2]); err != nil || processAlive(pid) { // exec/spill_unix.go
			continue
		}
		if err := e.drop(ctx, e.quote(name)); err != nil {
			errs = append(errs, err)
			continue
		}
		dropped = append(dropped, name)
	}
	return dropped, errors.Join(errs...)
}
