package parser

import (
	_ "embed"
	"strings"
)

// reservedWordsText is DynamoDB's list of reserved words, one per line,
// upper case.
//
//go:embed reserved_words.txt
var reservedWordsText string

// reservedWords holds the reserved words in upper case. It is built once
// and never written afterwards.
var reservedWords = buildReserved(reservedWordsText)

func buildReserved(text string) map[string]struct{} {
	m := make(map[string]struct{}, 600)
	for _, w := range strings.Fields(text) {
		m[strings.ToUpper(w)] = struct{}{}
	}
	return m
}

// IsReserved reports whether name is one of DynamoDB's 573 reserved words
// (case-insensitively). In DialectDynamoDB such a name must be written as an
// expression attribute name (#name).
func IsReserved(name string) bool {
	if len(name) > 20 { // the longest reserved word has 16 letters
		return false
	}
	var buf [20]byte
	for i := range len(name) {
		c := name[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[i] = c
	}
	_, ok := reservedWords[string(buf[:len(name)])]
	return ok
}

// ReservedWordCount is the number of reserved words IsReserved knows.
func ReservedWordCount() int { return len(reservedWords) }
