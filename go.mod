module github.com/keystonedb/kstone-shell

go 1.26
