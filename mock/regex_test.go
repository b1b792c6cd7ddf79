package mock

import (
	"math/rand/v2"
	"testing"
)

func TestGenPattern(t *testing.T) {
	tests := []struct {
		pattern string
		grow    int
		ok      bool
		minLen  int
	}{
		{`grp_[1-9a-km-zA-HJ-NP-Z]{14,22}`, 0, true, 18},
		{`^\+[0-9]{1,15}$`, 0, true, 2},
		{`^#(([0-9a-fA-F]{3}){1,2}|([0-9a-fA-F]{4}){1,2})$`, 0, true, 4},
		{`^(?:(?!org_))[a-z0-9]([a-z0-9-_]*[a-z0-9])?$`, 0, true, 1}, // ECMA lookahead: RE2 cannot compile it
		{`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`, 3, true, 3},       // grown to reach a minLength
		{`^(?!a)a+$`, 0, false, 0},                                   // the guess ignores the lookahead: refused, never wrong
		{`[`, 0, false, 0},                                           // compiles nowhere
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tc := range tests {
		s, ok := genPattern(tc.pattern, rng, tc.grow)
		if ok != tc.ok {
			t.Errorf("%s: ok=%v (%q), want %v", tc.pattern, ok, s, tc.ok)
			continue
		}
		if ok && (!compilePattern(tc.pattern).match(s) || len(s) < tc.minLen) {
			t.Errorf("%s: %q does not match or is shorter than %d", tc.pattern, s, tc.minLen)
		}
	}
}

// Regression: a pattern no engine compiles is skipped, it never rejects a
// request nor panics.
func TestUncompilablePatternIsSkipped(t *testing.T) {
	if compilePattern(`(?<`) != nil {
		t.Fatal("expected no matcher")
	}
	if !compilePattern(`(?<`).match("anything") {
		t.Fatal("a nil matcher must accept")
	}
	if compilePattern(`^(?!x)a$`) == nil || compilePattern(`^(?!x)a$`).match("b") {
		t.Fatal("ECMA lookahead not honoured")
	}
}
