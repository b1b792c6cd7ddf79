package lru

import (
	"fmt"
	"sync"
	"testing"
)

func TestBound(t *testing.T) {
	for _, tt := range []struct {
		name     string
		max, add int
	}{
		{"under", 8, 5},
		{"at", 8, 8},
		{"over", 8, 100},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := New[int](tt.max)
			for i := range tt.add {
				c.Add(fmt.Sprint(i), i)
			}
			if got, want := c.Len(), min(tt.add, tt.max); got != want {
				t.Fatalf("Len = %d, want %d", got, want)
			}
			if v, ok := c.Get(fmt.Sprint(tt.add - 1)); !ok || v != tt.add-1 {
				t.Fatalf("most recent = %v %v", v, ok)
			}
			if _, ok := c.Get("0"); ok != (tt.add <= tt.max) {
				t.Fatalf("oldest present = %v", ok)
			}
		})
	}
}

func TestRecencyAndFirstWins(t *testing.T) {
	c := New[*int](2)
	one, two := new(int), new(int)
	c.Add("a", nil) // a nil value is a value
	c.Add("b", one)
	if v, ok := c.Get("a"); !ok || v != nil {
		t.Fatalf("nil not cached: %v %v", v, ok)
	}
	if got := c.Add("b", two); got != one {
		t.Error("Add over an existing key did not return the first value")
	}
	c.Get("a")
	c.Add("c", two)
	if _, ok := c.Get("a"); !ok {
		t.Error("recently used evicted")
	}
	if _, ok := c.Get("b"); ok {
		t.Error("least recently used kept")
	}
}

// TestConcurrent: run with -race.
func TestConcurrent(t *testing.T) {
	c := New[int](16)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				k := fmt.Sprint((g * i) % 40)
				c.Add(k, i)
				c.Get(k)
			}
		}()
	}
	wg.Wait()
	if c.Len() > 16 {
		t.Errorf("Len = %d", c.Len())
	}
}
