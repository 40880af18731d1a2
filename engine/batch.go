package engine

import (
	"encoding/binary"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
)

// op is one write inside a WAL record.
type op struct {
	kind  base.Kind
	key   []byte // encoded user key
	value []byte // encoded item; nil for a delete
}

// A WAL record's payload is a batch of writes to one stripe. The record's
// LSN is the sequence number of the first write; the i-th write has LSN+i.
//
//	uvarint count | count × ( kind (1) | uvarint len | key | [uvarint len | value] )
//
// Deletes carry no value.
func appendBatch(dst []byte, ops []op) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(ops)))
	for _, o := range ops {
		dst = append(dst, byte(o.kind))
		dst = binary.AppendUvarint(dst, uint64(len(o.key)))
		dst = append(dst, o.key...)
		if o.kind == base.KindSet {
			dst = binary.AppendUvarint(dst, uint64(len(o.value)))
			dst = append(dst, o.value...)
		}
	}
	return dst
}

// decodeBatch returns the writes of a payload; their slices alias payload.
// Nothing is returned unless the whole batch is well formed.
func decodeBatch(payload []byte) ([]op, error) {
	n, w := binary.Uvarint(payload)
	if w <= 0 || n == 0 || n > uint64(len(payload)) {
		return nil, errBadBatch
	}
	p := payload[w:]
	ops := make([]op, 0, n)
	var err error
	for i := 0; i < int(n); i++ {
		if len(p) < 1 {
			return nil, errBadBatch
		}
		o := op{kind: base.Kind(p[0])}
		p = p[1:]
		if o.kind != base.KindSet && o.kind != base.KindDelete {
			return nil, errBadBatch
		}
		if o.key, p, err = cutBytes(p); err != nil {
			return nil, err
		}
		if o.kind == base.KindSet {
			if o.value, p, err = cutBytes(p); err != nil {
				return nil, err
			}
		}
		ops = append(ops, o)
	}
	if len(p) != 0 {
		return nil, errBadBatch
	}
	return ops, nil
}

var errBadBatch = base.CorruptionErrorf("", -1, "malformed WAL batch")

func cutBytes(p []byte) (b, rest []byte, err error) {
	n, w := binary.Uvarint(p)
	if w <= 0 || n > uint64(len(p)-w) {
		return nil, nil, errBadBatch
	}
	end := w + int(n)
	return p[w:end:end], p[end:], nil
}
