package parser

import (
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

func TestKeyConditionTerms(t *testing.T) {
	v := vals(":p", vS("user#1"), ":a", vN("1"), ":b", vN("5"), ":s", vS("order#"))
	cases := []struct {
		src  string
		sort *KeyTerm
	}{
		{"pk = :p", nil},
		{"pk = :p AND sk = :a", &KeyTerm{"sk", EQ, []item.Value{vN("1")}}},
		{"pk = :p AND sk < :a", &KeyTerm{"sk", LT, []item.Value{vN("1")}}},
		{"pk = :p AND sk <= :a", &KeyTerm{"sk", LE, []item.Value{vN("1")}}},
		{"pk = :p AND sk > :a", &KeyTerm{"sk", GT, []item.Value{vN("1")}}},
		{"pk = :p AND sk >= :a", &KeyTerm{"sk", GE, []item.Value{vN("1")}}},
		{"pk = :p AND sk BETWEEN :a AND :b", &KeyTerm{"sk", BETWEEN, []item.Value{vN("1"), vN("5")}}},
		{"sk > :a AND pk = :p", &KeyTerm{"sk", GT, []item.Value{vN("1")}}},
		{":a < sk AND :p = pk", &KeyTerm{"sk", GT, []item.Value{vN("1")}}}, // value first: flipped
		{"(pk = :p) AND (sk <= :a)", &KeyTerm{"sk", LE, []item.Value{vN("1")}}},
		{"(pk = :p AND sk >= :a)", &KeyTerm{"sk", GE, []item.Value{vN("1")}}},
		{"#pk = :p AND #sk = :a", &KeyTerm{"sk", EQ, []item.Value{vN("1")}}},
		{"pk = :p and sk between :a and :b", &KeyTerm{"sk", BETWEEN, []item.Value{vN("1"), vN("5")}}},
	}
	ks := KeySchema{PartitionKey: "pk", PartitionType: item.TypeS, SortKey: "sk", SortType: item.TypeN}
	for _, c := range cases {
		k, err := ParseKeyCondition(c.src, DialectDynamoDB)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		b := Bindings{Values: map[string]item.Value{}}
		for _, p := range k.Placeholders() {
			if p[0] == ':' {
				b.Values[p] = v[p]
			} else {
				if b.Names == nil {
					b.Names = map[string]string{}
				}
				b.Names[p] = p[1:]
			}
		}
		ck, err := k.Bind(b, DialectDynamoDB)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		q, err := ck.Resolve(ks)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if q.PartitionKey != "pk" || !item.Equal(q.PartitionValue, vS("user#1")) {
			t.Errorf("%s: partition %v", c.src, q)
		}
		switch {
		case c.sort == nil && q.Sort != nil:
			t.Errorf("%s: sort %v", c.src, q.Sort)
		case c.sort != nil && (q.Sort == nil || q.Sort.Name != c.sort.Name || q.Sort.Op != c.sort.Op || len(q.Sort.Values) != len(c.sort.Values)):
			t.Errorf("%s: sort %+v want %+v", c.src, q.Sort, c.sort)
		case c.sort != nil:
			for i := range c.sort.Values {
				if !item.Equal(q.Sort.Values[i], c.sort.Values[i]) {
					t.Errorf("%s: value %d", c.src, i)
				}
			}
		}
	}
}

func TestKeyConditionBeginsWith(t *testing.T) {
	ks := KeySchema{PartitionKey: "pk", PartitionType: item.TypeS, SortKey: "sk", SortType: item.TypeS}
	k, err := ParseKeyCondition("pk = :p AND begins_with(sk, :s)", DialectDynamoDB)
	if err != nil {
		t.Fatal(err)
	}
	ck, err := k.Bind(Bindings{Values: vals(":p", vS("u"), ":s", vS("order#"))}, DialectDynamoDB)
	if err != nil {
		t.Fatal(err)
	}
	q, err := ck.Resolve(ks)
	if err != nil || q.Sort == nil || q.Sort.Op != BEGINS_WITH {
		t.Fatalf("%+v %v", q, err)
	}
	for sk, want := range map[string]bool{"order#7": true, "order#": true, "order": false, "x": false} {
		it := item.Item{"pk": vS("u"), "sk": vS(sk)}
		if q.Matches(it) != want {
			t.Errorf("%s: %v", sk, !want)
		}
		if ok, _ := ck.Eval(it); ok != want {
			t.Errorf("Eval %s: %v", sk, ok)
		}
	}
	if q.IsGet(ks) {
		t.Error("IsGet")
	}
	// Shell dialect with literals.
	k, err = ParseKeyCondition(`pk = "u" AND begins_with(sk, "order#")`, DialectShell)
	if err != nil {
		t.Fatal(err)
	}
	ck, err = k.Bind(Bindings{}, DialectShell)
	if err != nil {
		t.Fatal(err)
	}
	if q, err := ck.Resolve(ks); err != nil || !item.Equal(q.Sort.Values[0], vS("order#")) {
		t.Fatalf("%+v %v", q, err)
	}
}

func TestKeyTermMatch(t *testing.T) {
	cases := []struct {
		term KeyTerm
		v    item.Value
		want bool
	}{
		{KeyTerm{"k", EQ, []item.Value{vN("1")}}, vN("1.0"), true},
		{KeyTerm{"k", LT, []item.Value{vN("1")}}, vN("0.5"), true},
		{KeyTerm{"k", LE, []item.Value{vS("b")}}, vS("b"), true},
		{KeyTerm{"k", GT, []item.Value{vB(1)}}, vB(1, 0), true},
		{KeyTerm{"k", GE, []item.Value{vS("b")}}, vS("a"), false},
		{KeyTerm{"k", BETWEEN, []item.Value{vN("1"), vN("3")}}, vN("3"), true},
		{KeyTerm{"k", BETWEEN, []item.Value{vN("1"), vN("3")}}, vS("2"), false},
		{KeyTerm{"k", BEGINS_WITH, []item.Value{vS("ab")}}, vS("abc"), true},
		{KeyTerm{"k", EQ, []item.Value{vN("1")}}, nil, false},
	}
	for _, c := range cases {
		if c.term.Match(c.v) != c.want {
			t.Errorf("%v %s %v: %v", c.v, c.term.Op, c.term.Values, !c.want)
		}
	}
	for op, s := range map[KeyOp]string{EQ: "EQ", LT: "LT", LE: "LE", GT: "GT", GE: "GE", BETWEEN: "BETWEEN", BEGINS_WITH: "BEGINS_WITH"} {
		if op.String() != s {
			t.Errorf("%d: %s", op, op.String())
		}
	}
}

func TestPlanKeyQuery(t *testing.T) {
	ks := KeySchema{PartitionKey: "pk", PartitionType: item.TypeS, SortKey: "sk", SortType: item.TypeN}
	terms := []KeyTerm{{"x", EQ, []item.Value{vN("1")}}, {"sk", GT, []item.Value{vN("1")}}, {"pk", EQ, []item.Value{vS("a")}}, {"sk", EQ, []item.Value{vN("2")}}}
	q := PlanKeyQuery(terms, ks)
	if q == nil || q.Sort == nil || q.Sort.Op != EQ || !q.IsGet(ks) {
		t.Fatalf("%+v", q)
	}
	if q := PlanKeyQuery(terms[:2], ks); q != nil {
		t.Fatalf("no partition key: %+v", q)
	}
	if q := PlanKeyQuery([]KeyTerm{{"pk", EQ, []item.Value{vS("a")}}}, KeySchema{PartitionKey: "pk"}); q == nil || !q.IsGet(KeySchema{PartitionKey: "pk"}) {
		t.Fatalf("hash-only table: %+v", q)
	}
}

func TestQueryFilterKeys(t *testing.T) {
	f, err := ParseCondition("size(#s) > :n AND qty > :n OR m.x = :n", FilterExpression, DialectDynamoDB)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := f.Bind(Bindings{Names: names("#s", "sk"), Values: vals(":n", vN("1"))}, DialectDynamoDB)
	if err != nil {
		t.Fatal(err)
	}
	if got := cf.Attributes(); len(got) != 3 || got[0] != "sk" || got[1] != "qty" || got[2] != "m" {
		t.Fatalf("attributes %v", got)
	}
	err = cf.CheckQueryFilter(KeySchema{PartitionKey: "pk", SortKey: "sk"})
	if err == nil || err.Error() != "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk" {
		t.Fatalf("got %v", err)
	}
	if err := cf.CheckQueryFilter(KeySchema{PartitionKey: "pk"}); err != nil {
		t.Fatal(err)
	}
}
