package checkpoint

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// FaultEnv names the environment variable of the fault hook, for crash
// tests only: "ACTION-POINT:ITERATION[,...]" where ACTION is crash (the
// process kills itself, as SIGKILL would) or hang (it blocks forever, for
// the test to kill it), and POINT is before-manifest (the data files are
// written and synced, the manifest is not) or after-manifest (the
// checkpoint is complete, older ones are not pruned yet). Example:
// ITERSQL_CHECKPOINT_FAULT=crash-before-manifest:10.
const FaultEnv = "ITERSQL_CHECKPOINT_FAULT"

// fault acts on the fault hook if it names this point and iteration. It is
// read on every call (not once) so that in-process tests can set it.
func fault(point string, iter int) {
	spec := os.Getenv(FaultEnv)
	if spec == "" {
		return
	}
	for _, f := range strings.Split(spec, ",") {
		what, at, ok := strings.Cut(strings.TrimSpace(f), ":")
		if !ok {
			continue
		}
		k, err := strconv.Atoi(at)
		if err != nil || k != iter {
			continue
		}
		switch what {
		case "crash-" + point:
			fmt.Fprintf(os.Stderr, "itersql: %s=%s: crashing %s at iteration %d\n", FaultEnv, spec, point, iter)
			p, err := os.FindProcess(os.Getpid())
			if err == nil {
				p.Kill() // SIGKILL on Unix: no deferred function, no flush
			}
			os.Exit(137)
		case "hang-" + point:
			fmt.Fprintf(os.Stderr, "itersql: %s=%s: hanging %s at iteration %d\n", FaultEnv, spec, point, iter)
			for { // a sleeping loop, not select{}: the runtime would call that a deadlock
				time.Sleep(time.Hour)
			}
		}
	}
}
