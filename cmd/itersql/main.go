// Command itersql is a SQL shell on embedded DuckDB with WITH ITERATE for
// iterative queries. All of it lives in internal/cli so tests can run it.
package main

import (
	"os"

	"github.com/itersql/itersql/internal/cli"
)

func main() { os.Exit(cli.Do(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
