package contract

import (
	"regexp"
	"sync"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ecmaMatchTimeout bounds one backtracking match of a response value
// against an ECMA-262 pattern. A timeout counts as a match: a pathological
// pattern in a description must not stall a run nor fail a step.
const ecmaMatchTimeout = 100 * time.Millisecond

// re2Regexp is a pattern RE2 compiles (linear time).
type re2Regexp struct{ re *regexp.Regexp }

func (r re2Regexp) MatchString(s string) bool { return r.re.MatchString(s) }
func (r re2Regexp) String() string            { return r.re.String() }

// ecmaRegexp is a pattern only an ECMAScript engine compiles (lookaheads,
// lookbehinds, backreferences, `[\w-\.]`...).
type ecmaRegexp struct {
	re  *regexp2.Regexp
	src string
}

func (r ecmaRegexp) MatchString(s string) bool {
	ok, err := r.re.MatchString(s)
	return ok || err != nil
}
func (r ecmaRegexp) String() string { return r.src }

// anyRegexp stands for a pattern neither engine compiles: it matches
// everything, so a broken pattern in a description never fails a check.
type anyRegexp struct{ src string }

func (anyRegexp) MatchString(string) bool { return true }
func (r anyRegexp) String() string        { return r.src }

// compiledPatterns caches compiled patterns by source for the whole
// process: a compiled pattern is immutable and safe for concurrent use, and
// real descriptions repeat the same few patterns many times.
var compiledPatterns sync.Map // string -> jsonschema.Regexp

// compileRegexp is the jsonschema RegexpEngine: RE2 first (it is linear
// time and agrees with ECMA-262 on the common subset), regexp2 in
// ECMAScript mode for the rest. It never returns an error.
func compileRegexp(src string) (jsonschema.Regexp, error) {
	if v, ok := compiledPatterns.Load(src); ok {
		return v.(jsonschema.Regexp), nil
	}
	var out jsonschema.Regexp
	if re, err := regexp.Compile(src); err == nil {
		out = re2Regexp{re}
	} else if re, err := regexp2.Compile(src, regexp2.ECMAScript); err == nil {
		re.MatchTimeout = ecmaMatchTimeout
		out = ecmaRegexp{re: re, src: src}
	} else {
		out = anyRegexp{src}
	}
	v, _ := compiledPatterns.LoadOrStore(src, out)
	return v.(jsonschema.Regexp), nil
}
