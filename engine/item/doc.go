// Package item holds KeystoneDB's items and attribute values, modelled on
// DynamoDB exactly. The engine stores them, the expression evaluator
// computes on them and the shell reads and prints them as JSON.
//
// # Model
//
// An Item maps attribute names to Values. Value is a sealed interface with
// one Go type per DynamoDB type: S (string), N (number), B (binary), BOOL,
// NULL, L (list), M (map), and the sets SS, NS and BS.
//
// N is an exact decimal: at most 38 significant digits, magnitude 0 or
// between 1E-130 and 9.99…9E+125, kept normalised (1.50 is 1.5, -0 is 0) and
// printed in plain notation, never with an exponent. Arithmetic is exact and
// fails with DynamoDB's message rather than round. S and B order bytewise
// (so strings by UTF-8 bytes), N numerically. Sets are unordered: Equal
// ignores member order, the JSON writers sort members, the binary encoding
// keeps them in the order given.
//
// Validate and ValidateValue apply DynamoDB's rules (non-empty sets without
// duplicates, nesting depth, 400 KB item size) and return *ValidationError
// with DynamoDB's messages; ParseN returns *NumberError likewise.
//
// # Binary format
//
// AppendItem/DecodeItem store an item; AppendValue/DecodeValue one value.
// Integers marked uv are unsigned varints (encoding/binary); strings are a
// uv length and that many bytes.
//
//	item   +---------+-----------+------+------+-----+------+
//	       | version | count: uv | name | val  | ... | val  |   names sorted,
//	       |  0x01   |           | str  |      |     |      |   strictly rising
//	       +---------+-----------+------+------+-----+------+
//
//	val    +-----+---------------------------------------------------+
//	       | tag | payload (tag = the Type constant)                 |
//	       +-----+---------------------------------------------------+
//	        0x01 S     str
//	        0x02 N     num
//	        0x03 B     str
//	        0x04 BOOL  0x00 | 0x01
//	        0x05 NULL  (nothing)
//	        0x06 L     count: uv, val × count
//	        0x07 M     count: uv, (name: str, val) × count   names sorted
//	        0x08 SS    count: uv, str × count                order as given
//	        0x09 NS    count: uv, num × count                order as given
//	        0x0A BS    count: uv, str × count                order as given
//
//	num    +-------------------+--------------+-----------------------+
//	       | neg:1 | 0 | nd:6  | exp+130: 8   | digits, 2 per byte    |
//	       +-------------------+--------------+-----------------------+
//	       nd = number of significant digits (1…38); the number is
//	       ±d.ddd×10^exp with -130 ≤ exp ≤ 125. Digits are BCD, high
//	       nibble first, a 0 nibble pads an odd count. Zero is the single
//	       byte 0x00.
//
// The encoding is deterministic: equal items (with sets in the same order)
// encode to equal bytes. The decoder accepts only canonical numbers and
// sorted names, bounds every length and count by the bytes that remain,
// limits nesting, rejects unknown versions and tags and trailing bytes, and
// reports all of these as errors wrapping ErrMalformed.
//
// # Key encoding
//
// AppendKey/DecodeKey encode S, N and B key values so that bytes.Compare
// orders encodings as Compare orders values, and so that a key followed by
// anything still sorts by the key first (keys are self-delimiting):
//
//	S, B   bytes with 0x00 → 0x00 0xFF, then 0x00 0x01
//	       "a" → 61 00 01      "a\x00" → 61 00 FF 00 01      "" → 00 01
//
//	N      0x02                                      zero
//	       0x03, exp+130, pairs..., 0x00             positive
//	       0x01, ^(exp+130), ^pairs..., 0xFF         negative (complemented)
//	       pair = two digits as 10·d1+d2+1 (1…100), the last padded with 0
//	       12.5 → 03 83 0D 33 00        -12.5 → 01 7C F2 CC FF
//
// # JSON
//
// Plain JSON (ItemFromJSON, ItemToJSON): object ↔ M, array ↔ L, string ↔ S,
// number ↔ N (exact), true/false ↔ BOOL, null ↔ NULL. On output B is a base64
// string and sets are sorted arrays, so those types do not survive a round
// trip. On input an object whose only key is "$SS", "$NS" or "$BS" is a set
// ({"$SS": ["a","b"]}, {"$NS": [1, "2.5"]}, {"$BS": ["AAE="]}) and one whose
// only key is "$B" is binary ({"$B": "AAE="}); these keys cannot appear in
// other objects. Typed DynamoDB JSON (ItemFromDDBJSON, ItemToDDBJSON) keeps
// every type: {"S":"x"}, {"N":"1.5"}, {"B":"AAE="}, {"BOOL":true},
// {"NULL":true}, {"L":[…]}, {"M":{…}}, {"SS":[…]}, {"NS":["1"]},
// {"BS":["AAE="]}. All writers sort names and set members, so their output
// is stable.
package item
