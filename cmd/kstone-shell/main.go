// Command kstone-shell is a shell for KeystoneDB, a DynamoDB-style embedded
// database: an interactive REPL on a terminal, and the same command
// language from pipes, -c and script files. See the README for a tour.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
