package repl

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

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
// that statement only. It returns an error only if reading input fails.
func (h *Handler) Interact(ed LineEditor) error {
	h.interactive = true
	defer func() { h.interactive = false }()
	in := &input{}
	for {
		prompt := ContinuationPrompt
		if in.buf == "" {
			// A new entry: positions in error messages count from its
			// first line, which is all the user can see.
			prompt = Prompt
			in.line, in.lines = 0, nil
		}
		line, err := ed.Readline(prompt)
		switch {
		case errors.Is(err, ErrInterrupt):
			in.buf = ""
			continue
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return fmt.Errorf("read input: %w", err)
		}
		if err := h.feed(in, line); errors.Is(err, errExit) {
			return nil
		}
	}
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

// readlineEditor is the terminal LineEditor, on chzyer/readline.
type readlineEditor struct{ rl *readline.Instance }

// NewEditor returns a line editor on the terminal stdin, with history in
// historyFile ("" for none).
func NewEditor(stdin *os.File, stdout, stderr io.Writer, historyFile string) (LineEditor, error) {
	rl, err := readline.NewEx(&readline.Config{
		Prompt:            Prompt,
		HistoryFile:       historyFile,
		HistorySearchFold: true,
		InterruptPrompt:   "^C",
		EOFPrompt:         "",
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
	return &readlineEditor{rl: rl}, nil
}

func (e *readlineEditor) Readline(prompt string) (string, error) {
	e.rl.SetPrompt(prompt)
	line, err := e.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", ErrInterrupt
	}
	return line, err
}

func (e *readlineEditor) Close() error { return e.rl.Close() }
