package arazzo

import (
	"regexp"
	"testing"
)

// The regular expressions the lexical functions replace: the oracle.
var (
	version10Re  = regexp.MustCompile(`^1\.0\.\d+(-.+)?$`)
	version11Re  = regexp.MustCompile(`^1\.1(\.|$)`)
	outputNameRe = regexp.MustCompile(`^[a-zA-Z0-9.\-_]+$`)
	identifierRe = regexp.MustCompile(`^[A-Za-z0-9_\-]+$`)
)

var lexicalCases = []string{
	"", "1.0.0", "1.0.1", "1.0.10", "1.0.", "1.0", "1.0.x", "1.0.1-", "1.0.1-rc1", "1.0.1-\n", "1.0.1-a\nb",
	"1.0.1\n", "1.0.1 ", " 1.0.1", "1.0.1x", "1.0.٣", "1.1", "1.1.0", "1.10", "1.1x", "1.1.", "2.0.0",
	"getPet", "get-pet_2", "get pet", "get.pet", "pétanque", "a", "-", "_", ".", "a.b.c", "x\n", "ü",
}

func checkLexical(t *testing.T, s string) {
	t.Helper()
	for _, c := range []struct {
		name string
		got  bool
		re   *regexp.Regexp
	}{
		{"isVersion10", isVersion10(s), version10Re},
		{"isVersion11", isVersion11(s), version11Re},
		{"isIdentifier", isIdentifier(s), identifierRe},
		{"isOutputName", isOutputName(s), outputNameRe},
	} {
		if want := c.re.MatchString(s); c.got != want {
			t.Errorf("%s(%q) = %v, the regexp %s says %v", c.name, s, c.got, c.re, want)
		}
	}
}

func TestLexicalMatchesRegexps(t *testing.T) {
	for _, s := range lexicalCases {
		checkLexical(t, s)
	}
}

func FuzzLexical(f *testing.F) {
	for _, s := range lexicalCases {
		f.Add(s)
	}
	f.Fuzz(checkLexical)
}
