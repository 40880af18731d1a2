package parser_test

import (
	"errors"
	"fmt"

	"github.com/keystonedb/kstone-shell/engine/item"
	"github.com/keystonedb/kstone-shell/parser"
)

// An UpdateItem: an update and a condition sharing one set of bindings.
func Example() {
	update, err := parser.ParseUpdate("SET #n = :n, age = age + :inc REMOVE tmp", parser.DialectDynamoDB)
	if err != nil {
		panic(err)
	}
	cond, err := parser.ParseCondition("attribute_exists(pk)", parser.ConditionExpression, parser.DialectDynamoDB)
	if err != nil {
		panic(err)
	}
	b := parser.Bindings{
		Names:  map[string]string{"#n": "name"},
		Values: map[string]item.Value{":n": item.S("Bob"), ":inc": item.MustN("1")},
	}
	c, err := parser.Compile(b, parser.DialectDynamoDB, update, cond)
	if err != nil {
		panic(err)
	}
	old := item.Item{"pk": item.S("user#1"), "age": item.MustN("30"), "tmp": item.BOOL(true)}
	if err := c.Condition.Check(old); err != nil {
		panic(err)
	}
	nw, changed, err := c.Update.Apply(old, []string{"pk"})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(item.ItemToJSON(nw)))
	fmt.Println(string(item.ItemToJSON(parser.Project(nw, changed)))) // UPDATED_NEW
	// Output:
	// {"age":31,"name":"Bob","pk":"user#1"}
	// {"age":31,"name":"Bob"}
}

// Errors carry DynamoDB's message and the position of the offending token.
func Example_errors() {
	_, err := parser.ParseUpdate("SET a = = :x", parser.DialectDynamoDB)
	var pe *parser.Error
	if errors.As(err, &pe) && pe.HasPos {
		fmt.Println(pe)
		fmt.Printf("line %d, column %d\n", pe.Pos.Line, pe.Pos.Column)
	}
	_, err = parser.ParseCondition("size = :s", parser.ConditionExpression, parser.DialectDynamoDB)
	fmt.Println(err)
	// Output:
	// Invalid UpdateExpression: Syntax error; token: "=", near: "a = = :x"
	// line 1, column 9
	// Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: size
}

// The shell dialect binds literals and accepts reserved words as names.
func ExampleDialectShell() {
	f, err := parser.ParseCondition(`status = "active" AND size > 2`, parser.FilterExpression, parser.DialectShell)
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Literals()[":lit1"], f.Literals()[":lit2"])
	cf, err := f.Bind(parser.Bindings{}, parser.DialectShell)
	if err != nil {
		panic(err)
	}
	ok, _ := cf.Eval(item.Item{"status": item.S("active"), "size": item.MustN("3")})
	fmt.Println(ok)
	// Output:
	// active 2
	// true
}

// A key condition is resolved against the table's key schema.
func ExampleCompiledKeyCondition_Resolve() {
	k, _ := parser.ParseKeyCondition("pk = :p AND begins_with(sk, :prefix)", parser.DialectDynamoDB)
	ck, _ := k.Bind(parser.Bindings{Values: map[string]item.Value{
		":p": item.S("user#1"), ":prefix": item.S("order#"),
	}}, parser.DialectDynamoDB)
	q, err := ck.Resolve(parser.KeySchema{PartitionKey: "pk", PartitionType: item.TypeS, SortKey: "sk", SortType: item.TypeS})
	if err != nil {
		panic(err)
	}
	fmt.Println(q.PartitionKey, q.PartitionValue, q.Sort.Name, q.Sort.Op, q.Sort.Values[0])
	_, err = ck.Resolve(parser.KeySchema{PartitionKey: "id"})
	fmt.Println(err)
	// Output:
	// pk user#1 sk BEGINS_WITH order#
	// Query condition missed key schema element: id
}

// A PartiQL statement is parsed once and bound with its parameters.
func ExampleParsePartiQL() {
	st, err := parser.ParsePartiQL("SELECT name, age FROM items WHERE pk = ? AND age > 18")
	if err != nil {
		panic(err)
	}
	plan, err := st.(*parser.Select).Bind([]item.Value{item.S("user#1")})
	if err != nil {
		panic(err)
	}
	q := parser.PlanKeyQuery(plan.KeyTerms, parser.KeySchema{PartitionKey: "pk"})
	fmt.Println(plan.Table, q.PartitionKey, q.PartitionValue, q.IsGet(parser.KeySchema{PartitionKey: "pk"}))
	row := item.Item{"pk": item.S("user#1"), "name": item.S("Alice"), "age": item.MustN("30"), "x": item.BOOL(true)}
	ok, _ := plan.Where.Eval(row)
	fmt.Println(ok, string(item.ItemToJSON(plan.Projection.Apply(row))))
	// Output:
	// items pk user#1 true
	// true {"age":30,"name":"Alice"}
}

// A Cache makes repeated statements cheap.
func ExampleCache() {
	cache := parser.NewCache(128)
	for range 3 {
		if _, err := cache.ParseUpdate("SET n = n + :one", parser.DialectDynamoDB); err != nil {
			panic(err)
		}
	}
	s := cache.Stats()
	fmt.Println(s.Len, s.Hits, s.Misses)
	// Output: 1 2 1
}
