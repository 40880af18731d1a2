package wal

import "sync"

// BufferPool shares record buffers between the segments of a database. A
// segment's two buffers grow to BufferSize while it is written; without a
// pool every new segment would grow a fresh pair, and the engine starts a
// segment per stripe after every flush. The zero value is ready to use.
type BufferPool struct {
	p sync.Pool
}

func (bp *BufferPool) get() []byte {
	if bp == nil {
		return nil
	}
	if b, ok := bp.p.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return nil
}

func (bp *BufferPool) put(b []byte) {
	if bp == nil || cap(b) == 0 {
		return
	}
	b = b[:0]
	bp.p.Put(&b)
}
