// Package datadriven reads test files of cases, as cockroach's datadriven
// files are written, so that a rewrite's test is its input and its result
// in a file a person reads. A case is a command line (a word and its
// arguments), its input up to a line "----", and the expected output up to
// a blank line; lines starting with '#' are comments. Rewrite puts new
// outputs in place (a test's -update flag) and keeps everything else.
package datadriven

import (
	"fmt"
	"os"
	"strings"
)

// Case is one case of a file.
type Case struct {
	Line  int // of the command line, 1-based, for messages
	Cmd   string
	Args  []string
	Input string
	Want  string
}

// Read returns the cases of the file at path.
func Read(path string) ([]Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cases []Case
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		c := Case{Line: i + 1, Cmd: f[0], Args: f[1:]}
		var in, out []string
		for i++; i < len(lines) && lines[i] != "----"; i++ {
			in = append(in, lines[i])
		}
		for i++; i < len(lines) && lines[i] != ""; i++ {
			out = append(out, lines[i])
		}
		c.Input, c.Want = strings.Join(in, "\n"), strings.Join(out, "\n")
		cases = append(cases, c)
	}
	return cases, nil
}

// Rewrite replaces the output of case i of the file at path with got[i],
// keeping the commands, inputs and comments as they are.
func Rewrite(path string, got []string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var b strings.Builder
	lines := strings.Split(string(data), "\n")
	n := 0
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			b.WriteString(lines[i] + "\n")
			continue
		}
		if n == len(got) {
			return fmt.Errorf("%s:%d: more cases than outputs", path, i+1)
		}
		for ; i < len(lines) && lines[i] != "----"; i++ {
			b.WriteString(lines[i] + "\n")
		}
		b.WriteString("----\n")
		for i++; i < len(lines) && lines[i] != ""; i++ {
		}
		if got[n] != "" {
			b.WriteString(got[n] + "\n")
		}
		b.WriteString("\n")
		n++
	}
	return os.WriteFile(path, []byte(strings.TrimRight(b.String(), "\n")+"\n"), 0o644)
}
