package item_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/keystonedb/kstone-shell/engine/item"
)

func ExampleParseN() {
	for _, s := range []string{"1.50", "0010", "1e2", "-0", "123.45E-2", "1.5E-7", "1e126"} {
		n, err := item.ParseN(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(n)
	}
	// Output:
	// 1.5
	// 10
	// 100
	// 0
	// 1.2345
	// 0.00000015
	// Number overflow. Attempting to store a number with magnitude larger than supported range
}

func ExampleN_Add() {
	a := item.MustN("99999999999999999999999999999999999999") // 38 digits
	_, err := a.Add(item.MustN("0.1"))
	var ne *item.NumberError
	fmt.Println(errors.As(err, &ne), ne.Kind == item.NumberPrecision)
	sum, _ := item.MustN("0.1").Add(item.MustN("0.2"))
	fmt.Println(sum)
	// Output:
	// true true
	// 0.3
}

func ExampleItemFromDDBJSON() {
	it, err := item.ItemFromDDBJSON([]byte(`{"pk": {"S": "user#1"}, "tags": {"SS": ["b", "a"]}, "n": {"N": "1.50"}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(string(item.ItemToJSON(it)))
	fmt.Println(string(item.ItemToDDBJSON(it)))

	_, err = item.ItemFromDDBJSON([]byte(`{"tags": {"SX": ["a"]}}`))
	fmt.Println(err)
	// Output:
	// {"n":1.5,"pk":"user#1","tags":["a","b"]}
	// {"n":{"N":"1.5"},"pk":{"S":"user#1"},"tags":{"SS":["a","b"]}}
	// attribute "tags": unknown type "SX"
}

func ExampleAppendKey() {
	// A partition key followed by a sort key sorts as the pair.
	key := func(pk string, sk string) []byte {
		b, _ := item.AppendKey(nil, item.S(pk))
		b, _ = item.AppendKey(b, item.MustN(sk))
		return b
	}
	fmt.Println(bytes.Compare(key("a", "10"), key("a", "9")))
	fmt.Println(bytes.Compare(key("a", "-1"), key("a", "-0.5")))
	fmt.Println(bytes.Compare(key("a", "99"), key("ab", "-99")))
	// Output:
	// 1
	// -1
	// -1
}
