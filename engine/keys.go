package engine

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"

	"github.com/keystonedb/kstone-shell/engine/internal/base"
	"github.com/keystonedb/kstone-shell/engine/item"
)

// DefaultTable is the table Create makes: partition key "pk" (S) and an
// optional sort key "sk" (S).
const DefaultTable = "items"

// KeySchema describes a table's primary key.
type KeySchema struct {
	PartitionKey  string
	PartitionType item.Type // S, N or B
	SortKey       string    // "" when the table has no sort key
	SortType      item.Type // S, N or B; 0 when there is no sort key
	// SortKeyOptional lets items omit the sort key (the default table's
	// convenience); they are then addressed by the partition key alone.
	SortKeyOptional bool
}

func (s KeySchema) validate() error {
	if s.PartitionKey == "" {
		return invalidArg("a table needs a partition key name")
	}
	if !isKeyType(s.PartitionType) {
		return invalidArg("partition key type must be S, N or B, got %v", s.PartitionType)
	}
	if s.SortKey == "" {
		if s.SortType != 0 || s.SortKeyOptional {
			return invalidArg("sort key type given without a sort key name")
		}
		return nil
	}
	if s.SortKey == s.PartitionKey {
		return invalidArg("sort key %q repeats the partition key", s.SortKey)
	}
	if !isKeyType(s.SortType) {
		return invalidArg("sort key type must be S, N or B, got %v", s.SortType)
	}
	return nil
}

func isKeyType(t item.Type) bool { return t == item.TypeS || t == item.TypeN || t == item.TypeB }

// Key addresses an item: a partition key and, when the table has one, a
// sort key (nil otherwise).
type Key struct {
	PK item.Value
	SK item.Value
}

// K is shorthand for a key with a string partition key and no sort key.
func K(pk string) Key { return Key{PK: item.S(pk)} }

// KS is shorthand for a key with string partition and sort keys.
func KS(pk, sk string) Key { return Key{PK: item.S(pk), SK: item.S(sk)} }

// String prints the key the way error messages show it: "user#1", or
// "user#1 / order#7" with a sort key.
func (k Key) String() string {
	s := KeyValueString(k.PK)
	if k.SK != nil {
		s += " / " + KeyValueString(k.SK)
	}
	return s
}

// KeyValueString prints a key value as messages show it: a string as is,
// a number in plain notation, binary in hex.
func KeyValueString(v item.Value) string {
	switch v := v.(type) {
	case item.S:
		return string(v)
	case item.N:
		return v.String()
	case item.B:
		return fmt.Sprintf("0x%x", []byte(v))
	case nil:
		return "<nil>"
	}
	return fmt.Sprint(v)
}

// keyOfItem extracts and checks an item's key against the schema, with
// DynamoDB's messages.
func (s KeySchema) keyOfItem(it item.Item) (Key, error) {
	pk, ok := it[s.PartitionKey]
	if !ok {
		return Key{}, validationErr("One or more parameter values were invalid: Missing the key %s in the item", s.PartitionKey)
	}
	k := Key{PK: pk}
	if s.SortKey != "" {
		sk, ok := it[s.SortKey]
		if !ok && !s.SortKeyOptional {
			return Key{}, validationErr("One or more parameter values were invalid: Missing the key %s in the item", s.SortKey)
		}
		k.SK = sk
	}
	return k, s.checkKey(k)
}

// checkKey validates a key's types and emptiness.
func (s KeySchema) checkKey(k Key) error {
	if k.PK == nil {
		return invalidArg("Empty partition key")
	}
	if k.PK.Type() != s.PartitionType {
		return validationErr("One or more parameter values were invalid: Type mismatch for key %s expected: %v actual: %v", s.PartitionKey, s.PartitionType, k.PK.Type())
	}
	switch n := keyBytesLen(k.PK); {
	case n == 0:
		return invalidArg("Empty partition key")
	case n > maxPartitionKeyBytes:
		return validationErr("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes")
	}
	if k.SK == nil {
		if s.SortKey != "" && !s.SortKeyOptional {
			return validationErr("One or more parameter values were invalid: Missing the key %s in the item", s.SortKey)
		}
		return nil
	}
	if s.SortKey == "" {
		return validationErr("The provided key element does not match the schema")
	}
	if k.SK.Type() != s.SortType {
		return validationErr("One or more parameter values were invalid: Type mismatch for key %s expected: %v actual: %v", s.SortKey, s.SortType, k.SK.Type())
	}
	switch n := keyBytesLen(k.SK); {
	case n == 0:
		return validationErr("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: %s", s.SortKey)
	case n > maxSortKeyBytes:
		return validationErr("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
	}
	return nil
}

// Limits DynamoDB puts on key attribute sizes.
const (
	maxPartitionKeyBytes = 2048
	maxSortKeyBytes      = 1024
)

func keyBytesLen(v item.Value) int {
	switch v := v.(type) {
	case item.S:
		return len(v)
	case item.B:
		return len(v)
	case item.N:
		return len(v.String())
	}
	return 0
}

// partitionBytes are the bytes the stripe hash covers: a string's UTF-8, a
// binary's bytes, a number's canonical text. Operators can compute a key's
// stripe by hand: crc32(partition key) % 256.
func partitionBytes(v item.Value) []byte {
	switch v := v.(type) {
	case item.S:
		return []byte(v)
	case item.B:
		return v
	case item.N:
		return []byte(v.String())
	}
	return nil
}

// StripeOf returns the stripe that stores a partition key.
func StripeOf(pk item.Value) int {
	return int(crc32.ChecksumIEEE(partitionBytes(pk)) % base.NumStripes)
}

// encodeKey builds the user key stored in memtables and SSTs:
//
//	table ID (4 bytes, big-endian) | partition key | [sort key]
//
// Both key parts use item's order-preserving, self-delimiting encoding, so
// a partition's items are contiguous and sorted by sort key (items without
// a sort key first).
func encodeKey(dst []byte, tableID uint32, k Key) ([]byte, error) {
	dst = binary.BigEndian.AppendUint32(dst, tableID)
	dst, err := item.AppendKey(dst, k.PK)
	if err != nil {
		return nil, invalidArg("partition key: %v", err)
	}
	if k.SK != nil {
		if dst, err = item.AppendKey(dst, k.SK); err != nil {
			return nil, invalidArg("sort key: %v", err)
		}
	}
	return dst, nil
}

// partitionPrefix is the encoded prefix shared by all keys of a partition.
func partitionPrefix(dst []byte, tableID uint32, pk item.Value) ([]byte, error) {
	return encodeKey(dst, tableID, Key{PK: pk})
}

// decodeKey inverts encodeKey.
func decodeKey(b []byte, s KeySchema) (tableID uint32, k Key, err error) {
	if len(b) < 4 {
		return 0, Key{}, base.CorruptionErrorf("", -1, "key too short")
	}
	tableID = binary.BigEndian.Uint32(b)
	pk, rest, err := item.DecodeKey(b[4:], s.PartitionType)
	if err != nil {
		return 0, Key{}, base.CorruptionErrorf("", -1, "partition key: %v", err)
	}
	k.PK = pk
	if len(rest) > 0 {
		if s.SortKey == "" {
			return 0, Key{}, base.CorruptionErrorf("", -1, "sort key in a table without one")
		}
		sk, rest2, err := item.DecodeKey(rest, s.SortType)
		if err != nil || len(rest2) != 0 {
			return 0, Key{}, base.CorruptionErrorf("", -1, "sort key: %v", err)
		}
		k.SK = sk
	}
	return tableID, k, nil
}
