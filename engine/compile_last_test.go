package engine

import (
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// The same update expression with other bindings, or with the caller's
// binding map changed in place between calls, never reuses the previous
// compilation.
func TestCompiledRequestFollowsBindings(t *testing.T) {
	db, err := OpenInMemory(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := item.Item{"pk": item.S("k")}
	vals := map[string]item.Value{":inc": item.NFromInt64(1)}
	update := func(b Bindings) {
		t.Helper()
		if _, err := db.UpdateItem(UpdateItemRequest{Key: key, UpdateExpression: "SET n = if_not_exists(n, :zero) + :inc", Bindings: b}); err != nil {
			t.Fatal(err)
		}
	}
	vals[":zero"] = item.NFromInt64(0)
	update(Bindings{Values: vals})                                                                             // n = 1
	update(Bindings{Values: vals})                                                                             // n = 2
	vals[":inc"] = item.NFromInt64(10)                                                                         // the same map, changed
	update(Bindings{Values: vals})                                                                             // n = 12
	update(Bindings{Values: map[string]item.Value{":zero": item.NFromInt64(0), ":inc": item.NFromInt64(100)}}) // n = 112
	_, err = db.UpdateItem(UpdateItemRequest{Key: key, UpdateExpression: "SET #x = :inc", Bindings: Bindings{Names: map[string]string{"#x": "a"}, Values: map[string]item.Value{":inc": item.S("s")}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.UpdateItem(UpdateItemRequest{Key: key, UpdateExpression: "SET #x = :inc", Bindings: Bindings{Names: map[string]string{"#x": "b"}, Values: map[string]item.Value{":inc": item.S("s")}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.Get(Key{PK: item.S("k")})
	if err != nil {
		t.Fatal(err)
	}
	if !item.Equal(got["n"], item.NFromInt64(112)) || !item.Equal(got["a"], item.S("s")) || !item.Equal(got["b"], item.S("s")) {
		t.Errorf("item = %v; want n=112, a and b set", got)
	}
	// A wrong binding fails every time, not only the first.
	for range 2 {
		if _, err := db.UpdateItem(UpdateItemRequest{Key: key, UpdateExpression: "SET n = n + :inc", Bindings: Bindings{Values: map[string]item.Value{":inc": item.S("x")}}}); err == nil {
			t.Error("adding a string to a number succeeded")
		}
	}
}
