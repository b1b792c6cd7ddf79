package mock

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strings"
	"time"

	"github.com/arazzo-run/arazzo/internal/lru"
	"github.com/dlclark/regexp2"
)

// patternMatcher is a compiled `pattern` keyword. OpenAPI patterns are ECMA
// 262 regular expressions; RE2 (regexp) is tried first because it runs in
// linear time, and regexp2 in ECMAScript mode is the fallback for the
// patterns RE2 cannot compile (lookaheads, `[\w-\.]`, ...). A pattern neither
// engine compiles is skipped: it never fails a request (nil matcher).
type patternMatcher struct {
	re2  *regexp.Regexp
	ecma *regexp2.Regexp
	// tree is the parsed pattern (lookarounds removed) the generator walks,
	// nil when regexp/syntax cannot parse it.
	tree *syntax.Regexp
}

// ecmaMatchTimeout bounds a backtracking match on request data; a timeout
// counts as a match (the keyword is skipped), never as a failure.
const ecmaMatchTimeout = 50 * time.Millisecond

func (p *patternMatcher) match(s string) bool {
	if p == nil {
		return true
	}
	if p.re2 != nil {
		return p.re2.MatchString(s)
	}
	ok, err := p.ecma.MatchString(s)
	return ok || err != nil
}

// maxCachedPatterns caps patterns: descriptions repeat the same few
// patterns, but a long-lived library user (or a hostile description with
// generated patterns) must not grow the cache without bound.
const maxCachedPatterns = 4096

// patterns is a bounded LRU of compiled patterns by source, shared by
// every Mock since a compiled pattern is immutable and safe for concurrent
// use. A nil *patternMatcher (uncompilable pattern) is cached too.
var patterns = lru.New[*patternMatcher](maxCachedPatterns)

func compilePattern(src string) *patternMatcher {
	if p, ok := patterns.Get(src); ok {
		return p
	}
	var p *patternMatcher
	if re, err := regexp.Compile(src); err == nil {
		p = &patternMatcher{re2: re}
	} else if re, err := regexp2.Compile(src, regexp2.ECMAScript); err == nil {
		re.MatchTimeout = ecmaMatchTimeout
		p = &patternMatcher{ecma: re}
	}
	if p != nil {
		if tree, err := syntax.Parse(stripLookaround(src), syntax.Perl); err == nil {
			p.tree = tree
		}
	}
	return patterns.Add(src, p)
}

// genPattern returns a string matching src, or false when it cannot find
// one cheaply. It parses the pattern with regexp/syntax (after removing ECMA
// lookaround groups, which RE2 lacks) and walks the tree choosing the first
// alternative and few repetitions; the result is then checked with the real
// matcher, so a wrong guess is never returned. grow adds repetitions to
// open-ended repeats, used to reach a minLength.
func genPattern(src string, rng *rand.Rand, grow int) (string, bool) {
	p := compilePattern(src)
	if p == nil || p.tree == nil {
		return "", false
	}
	var b strings.Builder
	if !genRegexp(&b, p.tree, rng, grow, 0) || b.Len() > 4096 {
		return "", false
	}
	s := b.String()
	if !p.match(s) {
		return "", false
	}
	return s, true
}

func genRegexp(b *strings.Builder, re *syntax.Regexp, rng *rand.Rand, grow, depth int) bool {
	if depth > 64 || b.Len() > 4096 {
		return false
	}
	switch re.Op {
	case syntax.OpNoMatch:
		return false
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
		return true
	case syntax.OpCharClass:
		r, ok := pickRune(re.Rune, rng)
		if ok {
			b.WriteRune(r)
		}
		return ok
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('x')
		return true
	case syntax.OpCapture:
		return genRegexp(b, re.Sub[0], rng, grow, depth+1)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !genRegexp(b, sub, rng, grow, depth+1) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		return genRegexp(b, re.Sub[0], rng, grow, depth+1)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := 0, -1
		switch re.Op {
		case syntax.OpPlus:
			lo = 1
		case syntax.OpQuest:
			hi = 1
		case syntax.OpRepeat:
			lo, hi = re.Min, re.Max
		}
		n := lo
		if grow > 0 {
			n = lo + grow
			if hi >= 0 && n > hi {
				n = hi
			}
		}
		for range n {
			if !genRegexp(b, re.Sub[0], rng, grow, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// pickRune chooses a rune of a class (pairs of lo, hi), preferring printable
// ASCII letters and digits so generated strings look like identifiers.
func pickRune(ranges []rune, rng *rand.Rand) (rune, bool) {
	if len(ranges) < 2 {
		return 0, false
	}
	// Count the nice runes, pick one by index, then find it: no allocation.
	nice := func(r rune) bool { return r <= '9' && r >= '0' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
	count := 0
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := max(ranges[i], '0'); r <= min(ranges[i+1], 'z'); r++ {
			if nice(r) {
				count++
			}
		}
	}
	if count > 0 {
		k := rng.IntN(count)
		for i := 0; i+1 < len(ranges); i += 2 {
			for r := max(ranges[i], '0'); r <= min(ranges[i+1], 'z'); r++ {
				if nice(r) {
					if k == 0 {
						return r, true
					}
					k--
				}
			}
		}
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		if lo := max(ranges[i], 0x21); lo <= min(ranges[i+1], 0x7e) {
			return lo, true
		}
	}
	return ranges[0], true
}

// stripLookaround removes ECMA lookahead/lookbehind groups ((?=...), (?!...),
// (?<=...), (?<!...)): they constrain but never consume, so a string built
// without them is a good guess, verified afterwards by the real matcher.
func stripLookaround(src string) string {
	if !strings.Contains(src, "(?=") && !strings.Contains(src, "(?!") && !strings.Contains(src, "(?<") {
		return src
	}
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '\\' && i+1 < len(src) {
			b.WriteByte(c)
			b.WriteByte(src[i+1])
			i++
			continue
		}
		if c == '(' && (strings.HasPrefix(src[i:], "(?=") || strings.HasPrefix(src[i:], "(?!") ||
			strings.HasPrefix(src[i:], "(?<=") || strings.HasPrefix(src[i:], "(?<!")) {
			if end := groupEnd(src, i); end > 0 {
				i = end
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// groupEnd returns the index of the ')' closing the group opened at src[i],
// skipping escapes and character classes, or -1.
func groupEnd(src string, i int) int {
	depth, inClass := 0, false
	for j := i; j < len(src); j++ {
		switch c := src[j]; {
		case c == '\\':
			j++
		case inClass:
			if c == ']' {
				inClass = false
			}
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}
