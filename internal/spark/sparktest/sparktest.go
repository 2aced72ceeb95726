// Package sparktest gives tests the address of the real Spark Connect
// server they run against. There is no mock: under CI the server must be
// there (.ci/run starts it), and a developer without one is told how to
// start it.
package sparktest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/itersql/itersql/internal/spark"
)

// Remote returns $ITERSQL_SPARK_REMOTE. Without it, the test fails under
// CI (CI=true), so Spark's tests can never pass there by being skipped,
// and is skipped elsewhere.
func Remote(t testing.TB) string {
	t.Helper()
	remote := os.Getenv(spark.RemoteEnv)
	if remote != "" {
		return remote
	}
	msg := spark.RemoteEnv + " is unset: start a server with `scripts/spark-server.sh start` and set " +
		spark.RemoteEnv + "=sc://127.0.0.1:15002"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Session connects to the server and closes the session when the test ends.
func Session(t testing.TB) *spark.Session {
	t.Helper()
	remote := Remote(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := spark.Connect(ctx, remote)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}
