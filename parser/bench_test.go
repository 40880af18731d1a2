package parser

import (
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

const benchUpdate = "SET #n = :n, age = age + :inc, tags = list_append(tags, :t) REMOVE tmp"

var benchBindings = Bindings{
	Names:  map[string]string{"#n": "name"},
	Values: map[string]item.Value{":n": item.S("Bob"), ":inc": item.MustN("1"), ":t": item.L{item.S("x")}},
}

// BenchmarkParseUpdate parses and validates a typical update expression.
func BenchmarkParseUpdate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		u, err := ParseUpdate(benchUpdate, DialectDynamoDB)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Compile(benchBindings, DialectDynamoDB, u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseUpdateCached does the same through a Cache.
func BenchmarkParseUpdateCached(b *testing.B) {
	c := NewCache(0)
	b.ReportAllocs()
	for b.Loop() {
		u, err := c.ParseUpdate(benchUpdate, DialectDynamoDB)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Compile(benchBindings, DialectDynamoDB, u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyUpdate applies the compiled update to an item.
func BenchmarkApplyUpdate(b *testing.B) {
	u, _ := ParseUpdate(benchUpdate, DialectDynamoDB)
	c, _ := Compile(benchBindings, DialectDynamoDB, u)
	it := item.Item{"pk": item.S("k"), "age": item.MustN("30"), "tags": item.L{item.S("a")}, "tmp": item.BOOL(true)}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Update.Apply(it, []string{"pk"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvalCondition evaluates a compiled filter.
func BenchmarkEvalCondition(b *testing.B) {
	f, _ := ParseCondition("age BETWEEN :lo AND :hi AND begins_with(#n, :p)", FilterExpression, DialectDynamoDB)
	cf, _ := f.Bind(Bindings{Names: map[string]string{"#n": "name"}, Values: map[string]item.Value{
		":lo": item.MustN("18"), ":hi": item.MustN("65"), ":p": item.S("B")}}, DialectDynamoDB)
	it := item.Item{"name": item.S("Bob"), "age": item.MustN("30")}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := cf.Eval(it); !ok {
			b.Fatal("false")
		}
	}
}
