module github.com/keystonedb/kstone-shell

go 1.26.0

require (
	github.com/alecthomas/participle/v2 v2.1.4
	github.com/cockroachdb/apd/v3 v3.2.3
	golang.org/x/sys v0.50.0
	pgregory.net/rapid v1.3.0
)
