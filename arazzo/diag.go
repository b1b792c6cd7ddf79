package arazzo

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Severity says whether a diagnostic makes the document invalid.
type Severity uint8

const (
	// SeverityError marks a violation of the specification (or of the
	// official schema): the document cannot be run as written.
	SeverityError Severity = iota
	// SeverityWarning marks a spec SHOULD that is not followed, or a likely
	// mistake that still has a well-defined meaning.
	SeverityWarning
)

func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem found in a document.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Message  string
	// Hint proposes a fix; "did you mean X?" hints are printed after a
	// semicolon, others in parentheses.
	Hint string
}

// String formats d as "FILE:LINE:COL: error: message (hint: ...)".
func (d Diagnostic) String() string {
	var sb strings.Builder
	sb.WriteString(d.Pos.String())
	sb.WriteString(": ")
	sb.WriteString(d.Severity.String())
	sb.WriteString(": ")
	sb.WriteString(d.Message)
	if d.Hint != "" {
		if strings.HasPrefix(d.Hint, "did you mean") {
			sb.WriteString("; ")
			sb.WriteString(d.Hint)
		} else {
			sb.WriteString(" (hint: ")
			sb.WriteString(d.Hint)
			sb.WriteString(")")
		}
	}
	return sb.String()
}

// Diagnostics is a list of problems.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Sort orders ds by file, line, column and message.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.Message < b.Message
	})
}

// Err returns nil when ds has no errors, and otherwise an error listing every
// diagnostic (warnings included), one per line.
func (ds Diagnostics) Err() error {
	if !ds.HasErrors() {
		return nil
	}
	return &DiagnosticsError{Diagnostics: ds}
}

// Errors returns the errors only.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == SeverityError {
			out = append(out, d)
		}
	}
	return out
}

// DiagnosticsError is the error returned by Diagnostics.Err.
type DiagnosticsError struct {
	Diagnostics Diagnostics
}

func (e *DiagnosticsError) Error() string {
	lines := make([]string, len(e.Diagnostics))
	for i, d := range e.Diagnostics {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// AsDiagnostics extracts the diagnostics from an error returned by Err.
func AsDiagnostics(err error) (Diagnostics, bool) {
	var de *DiagnosticsError
	if errors.As(err, &de) {
		return de.Diagnostics, true
	}
	return nil, false
}

// dedupe removes exact repetitions (same position, severity and message),
// keeping the first: the schema check and the semantic checks sometimes find
// the same problem and are written to word it identically.
func (ds Diagnostics) dedupe() Diagnostics {
	type key struct {
		p   Pos
		s   Severity
		msg string
	}
	seen := make(map[key]bool, len(ds))
	out := ds[:0]
	for _, d := range ds {
		k := key{d.Pos, d.Severity, d.Message}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}

// diagSink collects diagnostics.
type diagSink struct {
	diags Diagnostics
}

func (s *diagSink) errorf(p Pos, format string, args ...any) *Diagnostic {
	s.diags = append(s.diags, Diagnostic{Pos: p, Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
	return &s.diags[len(s.diags)-1]
}

func (s *diagSink) warnf(p Pos, format string, args ...any) *Diagnostic {
	s.diags = append(s.diags, Diagnostic{Pos: p, Severity: SeverityWarning, Message: fmt.Sprintf(format, args...)})
	return &s.diags[len(s.diags)-1]
}
