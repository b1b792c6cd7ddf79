package mock

import (
	"fmt"
	"testing"

	"github.com/arazzo-run/arazzo/internal/lru"
)

// Regression: patterns kept every pattern ever compiled, for the life of
// the process. It is an LRU capped at maxCachedPatterns.
func TestPatternCacheBound(t *testing.T) {
	tests := []struct {
		name     string
		max, add int
	}{
		{"under", 8, 5},
		{"at", 8, 8},
		{"over", 8, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := lru.New[*patternMatcher](tt.max)
			for i := range tt.add {
				c.Add(fmt.Sprintf("^p%d$", i), &patternMatcher{})
			}
			if got, want := c.Len(), min(tt.add, tt.max); got != want {
				t.Fatalf("len = %d, want %d", got, want)
			}
			if _, ok := c.Get(fmt.Sprintf("^p%d$", tt.add-1)); !ok {
				t.Fatal("most recent pattern evicted")
			}
			if _, ok := c.Get("^p0$"); ok != (tt.add <= tt.max) {
				t.Fatalf("oldest present = %v", ok)
			}
		})
	}
	// LRU order, and an uncompilable pattern (nil) is cached too.
	c := lru.New[*patternMatcher](2)
	c.Add("a", nil)
	c.Add("b", &patternMatcher{})
	if p, ok := c.Get("a"); !ok || p != nil {
		t.Fatalf("nil matcher not cached: %v %v", p, ok)
	}
	c.Add("c", &patternMatcher{})
	if _, ok := c.Get("a"); !ok {
		t.Fatal("recently used pattern evicted")
	}
	if _, ok := c.Get("b"); ok {
		t.Fatal("least recently used pattern kept")
	}
	// The process-wide cache honours the cap, and an evicted pattern
	// still compiles and matches.
	for i := range maxCachedPatterns + 10 {
		compilePattern(fmt.Sprintf("^bound%d$", i))
	}
	if n := patterns.Len(); n > maxCachedPatterns {
		t.Fatalf("patterns holds %d, cap %d", n, maxCachedPatterns)
	}
	if !compilePattern("^bound0$").match("bound0") {
		t.Fatal("evicted pattern no longer matches after recompiling")
	}
}
