// Package lru is a bounded, concurrency-safe least-recently-used cache
// keyed by string. The contract checker and the mock keep their compiled
// regular expressions in one each: descriptions repeat the same few
// patterns, but a long-lived process (or a hostile description with
// generated patterns) must not grow a cache without bound.
//
// It imports only the standard library.
package lru

import (
	"container/list"
	"sync"
)

// Cache holds at most max values; adding one more evicts the least
// recently used (got or added). Its methods are safe for concurrent use.
type Cache[V any] struct {
	mu  sync.Mutex
	max int
	ll  *list.List // front = most recently used; values are *entry[V]
	m   map[string]*list.Element
}

type entry[V any] struct {
	key string
	v   V
}

// New returns an empty cache of at most max values.
func New[V any](max int) *Cache[V] {
	return &Cache[V]{max: max, ll: list.New(), m: map[string]*list.Element{}}
}

// Get returns the value of key, and marks it used.
func (c *Cache[V]) Get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*entry[V]).v, true
	}
	var zero V
	return zero, false
}

// Add stores v unless key is already there, and returns the cached value
// (so that concurrent makers of the same value all share the first one).
func (c *Cache[V]) Add(key string, v V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[key]; ok {
		c.ll.MoveToFront(e)
		return e.Value.(*entry[V]).v
	}
	c.m[key] = c.ll.PushFront(&entry[V]{key, v})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.m, old.Value.(*entry[V]).key)
	}
	return v
}

// Len is the number of values held.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
