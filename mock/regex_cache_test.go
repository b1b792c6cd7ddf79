package mock

import (
	"fmt"
	"testing"
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
			c := newPatternCache(tt.max)
			for i := range tt.add {
				c.add(fmt.Sprintf("^p%d$", i), &patternMatcher{})
			}
			if got, want := c.len(), min(tt.add, tt.max); got != want {
				t.Fatalf("len = %d, want %d", got, want)
			}
			if _, ok := c.get(fmt.Sprintf("^p%d$", tt.add-1)); !ok {
				t.Fatal("most recent pattern evicted")
			}
			if _, ok := c.get("^p0$"); ok != (tt.add <= tt.max) {
				t.Fatalf("oldest present = %v", ok)
			}
		})
	}
	// LRU order, and an uncompilable pattern (nil) is cached too.
	c := newPatternCache(2)
	c.add("a", nil)
	c.add("b", &patternMatcher{})
	if p, ok := c.get("a"); !ok || p != nil {
		t.Fatalf("nil matcher not cached: %v %v", p, ok)
	}
	c.add("c", &patternMatcher{})
	if _, ok := c.get("a"); !ok {
		t.Fatal("recently used pattern evicted")
	}
	if _, ok := c.get("b"); ok {
		t.Fatal("least recently used pattern kept")
	}
	// The process-wide cache honours the cap, and an evicted pattern
	// still compiles and matches.
	for i := range maxCachedPatterns + 10 {
		compilePattern(fmt.Sprintf("^bound%d$", i))
	}
	if n := patterns.len(); n > maxCachedPatterns {
		t.Fatalf("patterns holds %d, cap %d", n, maxCachedPatterns)
	}
	if !compilePattern("^bound0$").match("bound0") {
		t.Fatal("evicted pattern no longer matches after recompiling")
	}
}
