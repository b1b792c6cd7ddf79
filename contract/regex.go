package contract

import (
	"context"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arazzo-run/arazzo/internal/lru"
	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ecmaMatchTimeout bounds one backtracking match of a response value
// against an ECMA-262 pattern. A timeout counts as a match: a pathological
// pattern in a description must not stall a run nor fail a step.
const ecmaMatchTimeout = 100 * time.Millisecond

// patternBudget bounds the total time spent in ECMA-262 (regexp2) matches
// while one message is validated (validateWithin). The per-value timeout
// alone is not enough: a body of 10,000 strings against a pathological
// pattern would take 10,000 × 100 ms. When the budget is spent the
// remaining pattern checks of that message are skipped (they count as
// matches) and the caller reports one KindUnchecked problem
// (patternBudgetProblem). A variable so tests can shorten it.
var patternBudget = time.Second

// maxCachedPatterns caps compiledPatterns: descriptions repeat the same few
// patterns, but a long-lived library user (or a hostile description with
// generated patterns) must not grow the cache without bound.
const maxCachedPatterns = 4096

// ecmaMatchHook, when set (tests only), is called before every regexp2
// match, so a test can count them without timing anything.
var ecmaMatchHook func()

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
	b := activeBudget.Load()
	if b != nil && !b.allow() {
		return true // budget spent: skipped, reported once by the caller
	}
	if h := ecmaMatchHook; h != nil {
		h()
	}
	start := time.Now()
	ok, err := r.re.MatchString(s)
	if b != nil {
		b.spend(time.Since(start))
	}
	return ok || err != nil
}
func (r ecmaRegexp) String() string { return r.src }

// anyRegexp stands for a pattern neither engine compiles: it matches
// everything, so a broken pattern in a description never fails a check.
type anyRegexp struct{ src string }

func (anyRegexp) MatchString(string) bool { return true }
func (r anyRegexp) String() string        { return r.src }

// matchBudget is the time left for regexp2 matches of one message.
// Its fields are atomic because a Validate that bypasses validateWithin
// could still see it (activeBudget is process-wide).
type matchBudget struct {
	ctx       context.Context
	left      atomic.Int64 // nanoseconds
	exhausted atomic.Bool
}

func (b *matchBudget) allow() bool {
	if b.exhausted.Load() {
		return false
	}
	if b.left.Load() <= 0 || b.ctx.Err() != nil {
		b.exhausted.Store(true)
		return false
	}
	return true
}

func (b *matchBudget) spend(d time.Duration) { b.left.Add(-int64(d)) }

var (
	// budgetMu serializes the validations that may run regexp2 patterns,
	// so activeBudget is the budget of the message being validated: the
	// compiled patterns are shared (cache, compiled schemas) and
	// jsonschema gives a pattern no per-call context. Validations are
	// CPU-bound and short next to HTTP; a pathological one holds the lock
	// for at most patternBudget (+ one ecmaMatchTimeout).
	budgetMu     sync.Mutex
	activeBudget atomic.Pointer[matchBudget]
	// haveECMA: some pattern needed regexp2. Until then no validation can
	// run one, and validateWithin takes no lock.
	haveECMA atomic.Bool
)

// validateWithin validates v against sch with at most patternBudget spent
// in regexp2 matches, and stops matching when ctx is done. exhausted
// reports that some pattern checks were skipped: err then misses the
// violations they would have found (never reports false ones), and the
// caller adds patternBudgetProblem.
//
// Every validation of a schema compiled with compileRegexp should go
// through it; a Validate outside it is only bounded per value.
func validateWithin(ctx context.Context, sch *jsonschema.Schema, v any) (exhausted bool, err error) {
	if !haveECMA.Load() || !usesECMA(sch) {
		return false, sch.Validate(v)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	b := &matchBudget{ctx: ctx}
	b.left.Store(int64(patternBudget))
	budgetMu.Lock()
	activeBudget.Store(b)
	defer func() {
		activeBudget.Store(nil)
		budgetMu.Unlock()
	}()
	err = sch.Validate(v)
	return b.exhausted.Load(), err
}

// ecmaSchemas caches usesECMA by root schema (compiled schemas live as
// long as their Checker; the entry is a bool).
var ecmaSchemas sync.Map // *jsonschema.Schema -> bool

// usesECMA reports whether a regexp2 pattern can run while validating
// against sch: a pattern or patternProperties key anywhere it reaches is
// an ecmaRegexp, or it has a $dynamicRef/$recursiveRef (resolved at
// validation time: assumed to). Only such validations take budgetMu, so
// the others keep running concurrently.
func usesECMA(sch *jsonschema.Schema) bool {
	if v, ok := ecmaSchemas.Load(sch); ok {
		return v.(bool)
	}
	seen := map[*jsonschema.Schema]bool{}
	var walk func(s *jsonschema.Schema) bool
	walkAny := func(x any) bool {
		switch x := x.(type) {
		case *jsonschema.Schema:
			return walk(x)
		case []*jsonschema.Schema:
			for _, s := range x {
				if walk(s) {
					return true
				}
			}
		}
		return false
	}
	walk = func(s *jsonschema.Schema) bool {
		if s == nil || seen[s] {
			return false
		}
		seen[s] = true
		if s.DynamicRef != nil || s.RecursiveRef != nil {
			return true
		}
		if _, ok := s.Pattern.(ecmaRegexp); ok {
			return true
		}
		for re, sub := range s.PatternProperties {
			if _, ok := re.(ecmaRegexp); ok || walk(sub) {
				return true
			}
		}
		for _, sub := range []*jsonschema.Schema{s.Ref, s.Not, s.If, s.Then, s.Else, s.PropertyNames,
			s.UnevaluatedProperties, s.Contains, s.Items2020, s.UnevaluatedItems, s.ContentSchema} {
			if walk(sub) {
				return true
			}
		}
		for _, subs := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf, s.PrefixItems} {
			if walkAny(subs) {
				return true
			}
		}
		for _, sub := range s.Properties {
			if walk(sub) {
				return true
			}
		}
		for _, sub := range s.DependentSchemas {
			if walk(sub) {
				return true
			}
		}
		for _, d := range s.Dependencies {
			if walkAny(d) {
				return true
			}
		}
		return walkAny(s.AdditionalProperties) || walkAny(s.Items) || walkAny(s.AdditionalItems)
	}
	uses := walk(sch)
	ecmaSchemas.Store(sch, uses)
	return uses
}

// patternBudgetProblem is the one problem reported for a message whose
// pattern checks were cut short by validateWithin.
func patternBudgetProblem(in, schemaPointer string) Problem {
	return Problem{
		In: in, Kind: KindUnchecked, SchemaPointer: schemaPointer,
		Message: "pattern checks took longer than " + patternBudget.String() +
			" in total (a slow regular expression in the description); the remaining pattern checks of this body were skipped",
	}
}

// compiledPatterns is a bounded LRU of compiled patterns by source, shared by
// every Checker of the process: a compiled pattern is immutable and safe
// for concurrent use, and real descriptions repeat the same few patterns.
// An evicted pattern stays alive in the schemas that use it; it is only
// compiled again by the next schema that needs it.
var compiledPatterns = lru.New[jsonschema.Regexp](maxCachedPatterns)

// compileRegexp is the jsonschema RegexpEngine: RE2 first (it is linear
// time and agrees with ECMA-262 on the common subset), regexp2 in
// ECMAScript mode for the rest. It never returns an error.
func compileRegexp(src string) (jsonschema.Regexp, error) {
	if re, ok := compiledPatterns.Get(src); ok {
		return re, nil
	}
	var out jsonschema.Regexp
	if re, err := regexp.Compile(src); err == nil {
		out = re2Regexp{re}
	} else if re, err := regexp2.Compile(src, regexp2.ECMAScript); err == nil {
		re.MatchTimeout = ecmaMatchTimeout
		out = ecmaRegexp{re: re, src: src}
		haveECMA.Store(true)
	} else {
		out = anyRegexp{src}
	}
	return compiledPatterns.Add(src, out), nil
}
