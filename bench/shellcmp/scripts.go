package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
)

// valueLen is the length of every value, in bytes (ASCII characters).
const valueLen = 100

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// key returns the i-th key: "key" and a 13-digit zero-padded number, 16
// bytes. Keys are numbered from 1, so key(1) is key0000000000001.
func key(i int) string { return fmt.Sprintf("key%013d", i) }

// values returns n values of valueLen characters from a seeded generator,
// the same on every run. The characters are letters and digits, so the
// values need no quoting in JSON or SQL.
func values(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]string, n)
	b := make([]byte, valueLen)
	for i := range out {
		for j := range b {
			b[j] = alphabet[r.IntN(len(alphabet))]
		}
		out[i] = string(b)
	}
	return out
}

// script names what a script file holds: n statements for keys 1..n.
type script struct {
	path string
	n    int
}

// writeFile writes lines produced by fill to path through a buffer.
func writeFile(path string, fill func(w *bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// kstoneScript writes n puts. relaxed wraps them in ".durability relaxed"
// ... ".sync"; flush appends ".flush".
func kstoneScript(path string, vals []string, n int, relaxed, flush bool) (script, error) {
	err := writeFile(path, func(w *bufio.Writer) {
		if relaxed {
			w.WriteString(".durability relaxed\n")
		}
		for i := 1; i <= n; i++ {
			fmt.Fprintf(w, "put {\"pk\": \"%s\", \"v\": \"%s\"}\n", key(i), vals[i-1])
		}
		if relaxed {
			w.WriteString(".sync\n")
		}
		if flush {
			w.WriteString(".flush\n")
		}
	})
	return script{path, n}, err
}

// sqliteScript writes the table set-up and n INSERTs in WAL mode; txn puts
// them in one BEGIN ... COMMIT, otherwise each one commits on its own. The
// script prints the journal mode and the synchronous setting in force.
func sqliteScript(path string, vals []string, n int, txn bool) (script, error) {
	err := writeFile(path, func(w *bufio.Writer) {
		w.WriteString("PRAGMA journal_mode=WAL;\nPRAGMA synchronous;\nCREATE TABLE t(k TEXT PRIMARY KEY, v TEXT);\n")
		if txn {
			w.WriteString("BEGIN;\n")
		}
		for i := 1; i <= n; i++ {
			fmt.Fprintf(w, "INSERT INTO t VALUES('%s','%s');\n", key(i), vals[i-1])
		}
		if txn {
			w.WriteString("COMMIT;\n")
		}
	})
	return script{path, n}, err
}
