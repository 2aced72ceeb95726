package repl

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"
)

// Prompts of the shell: the first line of a statement, and its
// continuation lines (aligned so multi-line SQL lines up).
const (
	Prompt             = "itersql> "
	ContinuationPrompt = "   ...> "
)

// ErrInterrupt is what a LineEditor returns when the user presses Ctrl-C
// at the prompt: the statement being typed is dropped.
var ErrInterrupt = errors.New("interrupt")

// LineEditor is where the shell reads its lines from. It is an interface
// so tests can drive the shell with scripted lines; the real one is
// NewEditor's readline. Readline returns ErrInterrupt for Ctrl-C and
// io.EOF for Ctrl-D (or the end of input).
type LineEditor interface {
	Readline(prompt string) (string, error)
	Close() error
}

// Interact runs the interactive shell on ed until Ctrl-D or .exit. Every
// error is printed and the shell carries on; Ctrl-C at the prompt clears
// the statement being typed, and Ctrl-C while a statement runs cancels
// that statement only. Ctrl-D in the middle of a statement discards it,
// saying so, and a second Ctrl-D exits. It returns an error only if
// reading input fails.
//
// History holds whole entries: when an editor can keep history (a
// Historian), each statement or dot command goes into it once it is
// complete, with all its lines, so up-arrow recalls a multi-line
// statement as one entry rather than its last line.
func (h *Handler) Interact(ed LineEditor) error {
	h.interactive = true
	defer func() { h.interactive = false }()
	hist, _ := ed.(Historian)
	in := &input{}
	for {
		prompt := ContinuationPrompt
		if in.buf == "" {
			// A new entry: positions in error messages count from its
			// first line, which is all the user can see.
			prompt = Prompt
			in.line, in.lines = 0, nil
		}
		text, err := ed.Readline(prompt)
		switch {
		case errors.Is(err, ErrInterrupt):
			in.buf = ""
			continue
		case errors.Is(err, io.EOF) && in.buf != "":
			fmt.Fprintf(h.Err, "(Ctrl-D: discarded the unfinished statement; Ctrl-D again exits)\n")
			in.buf = ""
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("read input: %w", err)
		}
		// A recalled multi-line entry comes back as one text: it is fed
		// line by line, as it was typed.
		exit := false
		for _, line := range strings.Split(text, "\n") {
			if errors.Is(h.feed(in, line), errExit) {
				exit = true
				break
			}
		}
		if (in.buf == "" || exit) && hist != nil {
			hist.AddHistory(strings.Join(in.lines, "\n"))
		}
		if exit {
			return nil
		}
	}
}

// Historian is a LineEditor that keeps history entries it is given,
// instead of every line read.
type Historian interface {
	AddHistory(entry string)
}

// HistoryFile is where the shell keeps its history: ~/.itersql_history,
// or "" (no history) when there is no home directory.
func HistoryFile() string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".itersql_history")
}

// readlineEditor is the terminal LineEditor, on chzyer/readline, which
// keeps the history in memory; the history file is written here, because
// readline's own file holds one line per entry and an entry has many.
type readlineEditor struct {
	rl   *readline.Instance
	file *os.File // the history file, appended to; nil for none
	last string   // the newest entry: running it again adds no copy
}

// historyLimit is how many entries the history file keeps.
const historyLimit = 1000

// NewEditor returns a line editor on the terminal stdin, with history in
// historyFile ("" for none).
func NewEditor(stdin *os.File, stdout, stderr io.Writer, historyFile string) (LineEditor, error) {
	rl, err := readline.NewEx(&readline.Config{
		Prompt:                 Prompt,
		HistoryLimit:           historyLimit,
		DisableAutoSaveHistory: true, // Interact adds whole entries
		HistorySearchFold:      true,
		InterruptPrompt:        "^C",
		EOFPrompt:              "",
		// Cancelable: readline reads stdin from a goroutine, and Close
		// waits for it; a plain *os.File read on a terminal would block
		// Close (and so exit after Ctrl-D) until the next key press.
		Stdin:  readline.NewCancelableStdin(stdin),
		Stdout: stdout,
		Stderr: stderr,
	})
	if err != nil {
		return nil, fmt.Errorf("start line editor: %w", err)
	}
	e := &readlineEditor{rl: rl}
	if historyFile != "" {
		// History is a convenience: a file that cannot be read or
		// written leaves the shell without it, not without a shell.
		e.file = loadHistory(rl, historyFile)
	}
	return e, nil
}

// The history file holds one entry a line, its newlines written as \n
// (and backslashes as \\), so an entry of many lines stays one.
var (
	historyEncoder = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	historyDecoder = strings.NewReplacer(`\\`, `\`, `\n`, "\n")
)

// loadHistory reads the history file into rl, keeps its last
// historyLimit entries, and returns it open for appending (nil if it
// cannot be opened).
func loadHistory(rl *readline.Instance, path string) *os.File {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	var entries []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) != "" {
			entries = append(entries, line)
		}
	}
	if len(entries) > historyLimit {
		entries = entries[len(entries)-historyLimit:]
		_ = os.WriteFile(path, []byte(strings.Join(entries, "\n")+"\n"), 0o600)
	}
	for _, entry := range entries {
		_ = rl.SaveHistory(historyDecoder.Replace(entry))
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return nil
	}
	return f
}

func (e *readlineEditor) Readline(prompt string) (string, error) {
	e.rl.SetPrompt(prompt)
	line, err := e.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", ErrInterrupt
	}
	return line, err
}

// AddHistory records a finished entry, in memory and in the file.
// Blank entries are not worth recalling.
func (e *readlineEditor) AddHistory(entry string) {
	if strings.TrimSpace(entry) == "" || entry == e.last {
		return
	}
	e.last = entry
	_ = e.rl.SaveHistory(entry)
	if e.file != nil {
		_, _ = e.file.WriteString(historyEncoder.Replace(entry) + "\n")
	}
}

func (e *readlineEditor) Close() error {
	if e.file != nil {
		e.file.Close()
	}
	return e.rl.Close()
}
