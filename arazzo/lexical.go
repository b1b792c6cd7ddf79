package arazzo

import "strings"

// The lexical rules of the specification, written as loops rather than
// regular expressions: they run on every field of every document, and
// compiling the four equivalent regexps cost every process ~0.2 ms at init
// (lexical_test.go checks them against those regexps).

// isVersion10 reports whether v is a 1.0.x version: `^1\.0\.\d+(-.+)?$`.
func isVersion10(v string) bool {
	rest, ok := strings.CutPrefix(v, "1.0.")
	if !ok {
		return false
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	if i == len(rest) {
		return true
	}
	// A pre-release suffix: "-" and at least one character, none a newline
	// (`.` in a Go regexp does not match "\n").
	suffix := rest[i:]
	return len(suffix) > 1 && suffix[0] == '-' && !strings.Contains(suffix, "\n")
}

// isVersion11 reports whether v is a 1.1 version: `^1\.1(\.|$)`.
func isVersion11(v string) bool {
	return v == "1.1" || strings.HasPrefix(v, "1.1.")
}

// isIdentifier reports whether s is a workflowId or stepId the spec
// recommends: `^[A-Za-z0-9_\-]+$`.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// isOutputName reports whether s is a valid output or component key:
// `^[a-zA-Z0-9.\-_]+$`.
func isOutputName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
