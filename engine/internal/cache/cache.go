// Package cache is the block cache shared by all SST readers: a sharded LRU
// of immutable byte blocks keyed by (file number, block offset), bounded by
// the total size of the blocks it holds.
//
// Sharding keeps lock contention low when many goroutines read at once:
// a key's shard is chosen by a hash of the key, and each shard is an
// independent LRU with its own mutex and an equal part of the capacity.
// Get does not allocate. Hit and miss counters are per-shard atomics so that
// counting does not add a second contended cache line to every lookup.
package cache

import (
	"sync"
	"sync/atomic"
)

const (
	// maxShards bounds the shard count; 64 is plenty to spread a few dozen
	// cores' lookups.
	maxShards = 64
	// minShardBytes is the smallest capacity worth a shard of its own: a
	// shard much smaller than a few blocks evicts nearly at random, so small
	// caches use fewer shards (down to one, which is an exact LRU).
	minShardBytes = 1 << 20
)

// Cache is a sharded LRU block cache, safe for concurrent use. The zero
// value and a nil *Cache are valid, disabled caches.
type Cache struct {
	capacity int64
	shards   []shard
	mask     uint64
	// disabledMisses counts lookups of a disabled cache, which has no
	// shards to count them.
	disabledMisses atomic.Uint64
}

// New returns a cache holding at most capacityBytes bytes of blocks
// (len(block) is charged). A capacity <= 0 disables caching: Get always
// misses and Set does nothing.
func New(capacityBytes int64) *Cache {
	c := &Cache{capacity: max(capacityBytes, 0)}
	if c.capacity == 0 {
		return c
	}
	n := 1
	for n < maxShards && c.capacity/int64(n*2) >= minShardBytes {
		n *= 2
	}
	c.shards = make([]shard, n)
	c.mask = uint64(n - 1)
	per := c.capacity / int64(n)
	for i := range c.shards {
		s := &c.shards[i]
		s.capacity = per
		// The remainder goes to the first shard so that the shards add up
		// to the configured capacity exactly.
		if i == 0 {
			s.capacity += c.capacity % int64(n)
		}
		s.init()
	}
	return c
}

// key identifies a block.
type key struct {
	file, offset uint64
}

// shardFor picks a shard by a mixed hash of the key: offsets are multiples
// of similar block sizes and file numbers are small, so the raw bits would
// spread poorly.
func (c *Cache) shardFor(k key) *shard {
	h := k.file*0x9e3779b97f4a7c15 ^ k.offset
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return &c.shards[h&c.mask]
}

// Get returns the block stored for (file, offset). The block must be treated
// as read-only: it is shared with every other reader of the cache.
func (c *Cache) Get(file, offset uint64) ([]byte, bool) {
	if c == nil || len(c.shards) == 0 {
		if c != nil {
			c.disabledMisses.Add(1)
		}
		return nil, false
	}
	return c.shardFor(key{file, offset}).get(key{file, offset})
}

// Set stores block for (file, offset), replacing any previous block there,
// and evicts least recently used blocks until the shard fits. The cache
// keeps block without copying: the caller must not modify it afterwards.
// A block larger than a shard's capacity is not cached.
func (c *Cache) Set(file, offset uint64, block []byte) {
	if c == nil || len(c.shards) == 0 {
		return
	}
	c.shardFor(key{file, offset}).set(key{file, offset}, block)
}

// EvictFile drops every block of file; the engine calls it when it deletes
// the file so that its blocks stop taking space.
func (c *Cache) EvictFile(file uint64) {
	if c == nil {
		return
	}
	for i := range c.shards {
		c.shards[i].evictFile(file)
	}
}

// Stats returns a snapshot of the counters.
func (c *Cache) Stats() CacheStats {
	if c == nil {
		return CacheStats{}
	}
	st := CacheStats{Capacity: c.capacity, Misses: c.disabledMisses.Load()}
	for i := range c.shards {
		s := &c.shards[i]
		st.Hits += s.hits.Load()
		st.Misses += s.misses.Load()
		st.Evictions += s.evictions.Load()
		s.mu.Lock()
		st.Bytes += s.used
		st.Blocks += int64(len(s.entries))
		s.mu.Unlock()
	}
	return st
}

// CacheStats is a snapshot of a cache's counters.
type CacheStats struct {
	Hits, Misses uint64
	Evictions    uint64 // blocks dropped to make room (not EvictFile)
	Bytes        int64  // bytes of blocks held
	Blocks       int64  // number of blocks held
	Capacity     int64
}

// HitRate returns Hits/(Hits+Misses), 0 when there were no lookups.
func (s CacheStats) HitRate() float64 {
	if n := s.Hits + s.Misses; n > 0 {
		return float64(s.Hits) / float64(n)
	}
	return 0
}

// Sub returns the counter deltas since prev (Bytes, Blocks and Capacity are
// levels and are kept from s).
func (s CacheStats) Sub(prev CacheStats) CacheStats {
	s.Hits -= prev.Hits
	s.Misses -= prev.Misses
	s.Evictions -= prev.Evictions
	return s
}

// entry is one cached block. It sits on two intrusive doubly linked lists:
// the shard's LRU list and the list of its file's blocks (so EvictFile does
// not scan the whole shard).
type entry struct {
	key          key
	block        []byte
	prev, next   *entry // LRU list; the sentinel's next is the most recent
	fprev, fnext *entry // per-file list, nil-terminated
	tick         uint64 // shard tick of the last move to the front
}

type shard struct {
	mu       sync.Mutex
	entries  map[key]*entry
	files    map[uint64]*entry // head of each file's list
	lru      entry             // sentinel of the circular LRU list
	used     int64
	capacity int64
	tick     uint64 // counts moves to the front of the LRU list

	hits, misses, evictions atomic.Uint64
	// Keep neighbouring shards' mutexes and counters on separate cache
	// lines.
	_ [64]byte
}

func (s *shard) init() {
	s.entries = make(map[key]*entry)
	s.files = make(map[uint64]*entry)
	s.lru.next = &s.lru
	s.lru.prev = &s.lru
}

func (s *shard) get(k key) ([]byte, bool) {
	s.mu.Lock()
	e, ok := s.entries[k]
	if !ok {
		s.mu.Unlock()
		s.misses.Add(1)
		return nil, false
	}
	if s.promote(e) {
		s.unlinkLRU(e)
		s.pushFront(e)
	}
	b := e.block
	s.mu.Unlock()
	s.hits.Add(1)
	return b, true
}

// lazyPromotionMin is the entry count from which a shard stops moving
// recently promoted entries to the front again.
const lazyPromotionMin = 1024

// promote reports whether a hit on e should move it to the front of the LRU
// list. Moving touches e's two neighbours, which in a large cache are
// random cache lines (likely memory misses, a large part of a cached point
// read); an entry promoted or inserted less than len/8 list operations ago
// is still in the front eighth of the list, so moving it again gains
// nothing. Small shards (tests, tiny caches) stay exact LRUs.
func (s *shard) promote(e *entry) bool {
	n := uint64(len(s.entries))
	if n >= lazyPromotionMin && s.tick-e.tick < n/8 {
		return false
	}
	return s.lru.next != e
}

func (s *shard) set(k key, block []byte) {
	size := int64(len(block))
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[k]; ok {
		if size > s.capacity {
			s.remove(e)
			return
		}
		s.used += size - int64(len(e.block))
		e.block = block
		s.unlinkLRU(e)
		s.pushFront(e)
	} else {
		if size > s.capacity {
			return
		}
		e := &entry{key: k, block: block}
		s.entries[k] = e
		s.pushFront(e)
		if head := s.files[k.file]; head != nil {
			e.fnext = head
			head.fprev = e
		}
		s.files[k.file] = e
		s.used += size
	}
	for s.used > s.capacity {
		victim := s.lru.prev
		s.remove(victim)
		s.evictions.Add(1)
	}
}

func (s *shard) evictFile(file uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for e := s.files[file]; e != nil; {
		next := e.fnext
		s.remove(e)
		e = next
	}
}

// remove unlinks e from both lists and the map.
func (s *shard) remove(e *entry) {
	s.unlinkLRU(e)
	if e.fprev != nil {
		e.fprev.fnext = e.fnext
	} else if e.fnext != nil {
		s.files[e.key.file] = e.fnext
	} else {
		delete(s.files, e.key.file)
	}
	if e.fnext != nil {
		e.fnext.fprev = e.fprev
	}
	e.fprev, e.fnext = nil, nil
	delete(s.entries, e.key)
	s.used -= int64(len(e.block))
	e.block = nil
}

func (s *shard) unlinkLRU(e *entry) {
	e.prev.next = e.next
	e.next.prev = e.prev
	e.prev, e.next = nil, nil
}

func (s *shard) pushFront(e *entry) {
	s.tick++
	e.tick = s.tick
	e.prev = &s.lru
	e.next = s.lru.next
	s.lru.next.prev = e
	s.lru.next = e
}
