package parser

import (
	"fmt"
	"sync"
	"testing"
)

func TestCache(t *testing.T) {
	c := NewCache(2)
	u1, err := c.ParseUpdate("SET a = :v", DialectDynamoDB)
	if err != nil {
		t.Fatal(err)
	}
	u2, _ := c.ParseUpdate("SET a = :v", DialectDynamoDB)
	if u1 != u2 {
		t.Error("not cached")
	}
	// Keys include the dialect and the kind.
	u3, _ := c.ParseUpdate("SET a = :v", DialectShell)
	if u3 == u1 {
		t.Error("dialect ignored")
	}
	f, _ := c.ParseCondition("a = :v", FilterExpression, DialectDynamoDB)
	cc, _ := c.ParseCondition("a = :v", ConditionExpression, DialectDynamoDB)
	if f.Kind() != FilterExpression || cc.Kind() != ConditionExpression {
		t.Error("kind ignored")
	}
	if s := c.Stats(); s.Len != 2 || s.Hits != 1 || s.Misses != 4 {
		t.Errorf("stats %+v", s)
	}
	// LRU: the oldest entries were evicted.
	u4, _ := c.ParseUpdate("SET a = :v", DialectDynamoDB)
	if u4 == u1 {
		t.Error("not evicted")
	}
	// Errors are returned, not cached.
	if _, err := c.ParseUpdate("SET", DialectDynamoDB); err == nil {
		t.Error("no error")
	}
	if _, err := c.ParseKeyCondition("pk = :p", DialectDynamoDB); err != nil {
		t.Error(err)
	}
	if _, err := c.ParseProjection("a", DialectDynamoDB); err != nil {
		t.Error(err)
	}
	if _, err := c.ParsePartiQL("SELECT * FROM t"); err != nil {
		t.Error(err)
	}
	if NewCache(0).cap != DefaultCacheSize {
		t.Error("default size")
	}
}

func TestCacheConcurrent(t *testing.T) {
	c := NewCache(16)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				src := fmt.Sprintf("SET a%d = a%d + :n", i%32, g)
				u, err := c.ParseUpdate(src, DialectDynamoDB)
				if err != nil {
					t.Error(err)
					return
				}
				cu, err := u.Bind(Bindings{Values: vals(":n", vN("1"))}, DialectDynamoDB)
				if err != nil {
					t.Error(err)
					return
				}
				if _, _, err := cu.Apply(itemJSON(t, fmt.Sprintf(`{"a%d":1}`, g)), nil); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
