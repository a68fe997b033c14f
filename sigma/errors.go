package sigma

import "fmt"

// Error is a problem with a rule file, located by file name and line (line 0
// when unknown).
type Error struct {
	File string // file name as given to Parse; may be empty
	Line int    // 1-based line in the file; 0 when unknown
	Msg  string
}

// Error formats the error as "file:line: message".
func (e *Error) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	case e.File != "":
		return e.File + ": " + e.Msg
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

func errAt(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}
