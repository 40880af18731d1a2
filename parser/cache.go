package parser

import (
	"container/list"
	"sync"
)

// DefaultCacheSize is the capacity NewCache uses when given 0.
const DefaultCacheSize = 512

// Cache is an LRU of parsed and checked expressions, keyed by (kind,
// dialect, source), so that a statement run again is not parsed again.
// Only successful parses are kept; the cached trees are immutable and shared
// by all callers. A Cache is safe for concurrent use.
type Cache struct {
	mu    sync.Mutex
	cap   int
	order *list.List // of *cacheEntry, most recent first
	items map[cacheKey]*list.Element
	hits  uint64
	miss  uint64
}

type cacheKey struct {
	kind    ExprKind
	dialect Dialect
	src     string
}

type cacheEntry struct {
	key cacheKey
	val any
}

// NewCache returns a cache holding at most capacity expressions
// (DefaultCacheSize if capacity <= 0).
func NewCache(capacity int) *Cache {
	if capacity <= 0 {
		capacity = DefaultCacheSize
	}
	return &Cache{cap: capacity, order: list.New(), items: make(map[cacheKey]*list.Element)}
}

// CacheStats counts lookups.
type CacheStats struct {
	Len          int
	Hits, Misses uint64
}

// Stats returns the number of cached expressions and of hits and misses.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Len: c.order.Len(), Hits: c.hits, Misses: c.miss}
}

func (c *Cache) get(k cacheKey) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		c.hits++
		return e.Value.(*cacheEntry).val, true
	}
	c.miss++
	return nil, false
}

func (c *Cache) put(k cacheKey, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.items[k] = c.order.PushFront(&cacheEntry{key: k, val: v})
	for c.order.Len() > c.cap {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
}

// cached looks k up, or parses and stores it.
func cached[T any](c *Cache, k cacheKey, parse func() (T, error)) (T, error) {
	if v, ok := c.get(k); ok {
		return v.(T), nil
	}
	v, err := parse()
	if err != nil {
		return v, err
	}
	c.put(k, v)
	return v, nil
}

// ParseUpdate is ParseUpdate through the cache.
func (c *Cache) ParseUpdate(src string, d Dialect) (*Update, error) {
	return cached(c, cacheKey{UpdateExpression, d, src}, func() (*Update, error) { return ParseUpdate(src, d) })
}

// ParseCondition is ParseCondition through the cache.
func (c *Cache) ParseCondition(src string, kind ExprKind, d Dialect) (*Condition, error) {
	if kind != FilterExpression {
		kind = ConditionExpression
	}
	return cached(c, cacheKey{kind, d, src}, func() (*Condition, error) { return ParseCondition(src, kind, d) })
}

// ParseKeyCondition is ParseKeyCondition through the cache.
func (c *Cache) ParseKeyCondition(src string, d Dialect) (*KeyCondition, error) {
	return cached(c, cacheKey{KeyConditionExpression, d, src}, func() (*KeyCondition, error) { return ParseKeyCondition(src, d) })
}

// ParseProjection is ParseProjection through the cache.
func (c *Cache) ParseProjection(src string, d Dialect) (*Projection, error) {
	return cached(c, cacheKey{ProjectionExpression, d, src}, func() (*Projection, error) { return ParseProjection(src, d) })
}

// ParsePartiQL is ParsePartiQL through the cache.
func (c *Cache) ParsePartiQL(src string) (Statement, error) {
	return cached(c, cacheKey{PartiQL, DialectShell, src}, func() (Statement, error) { return ParsePartiQL(src) })
}
