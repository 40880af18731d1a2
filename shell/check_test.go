package shell

import "testing"

func TestCheckSyntax(t *testing.T) {
	cases := []struct {
		in   string
		want string // "" for no error
		pos  int
	}{
		{`put {"pk": "a"}`, "", -1},
		{`update user#1 SET a = = 1`, `Invalid UpdateExpression: Syntax error; token: "=", near: "a = = 1"`, 22},
		{`query pk = "a" filter qty >`, `Invalid FilterExpression: Syntax error; token: "<EOF>", near: "qty >"`, 27},
		{`scan filter size(a)`, "", -1},
		{`delete a if attribute_exists(`, `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "attribute_exists("`, 29},
		{`.help`, "", -1},
		{`SELECT FROM`, "", -2},
	}
	for _, c := range cases {
		e := CheckSyntax(c.in)
		switch {
		case c.pos == -2:
			if e == nil {
				t.Errorf("CheckSyntax(%q): want an error", c.in)
			}
		case c.want == "":
			if e != nil && c.in != `scan filter size(a)` {
				t.Errorf("CheckSyntax(%q) = %v", c.in, e)
			}
		case e == nil || e.Msg != c.want || e.Pos != c.pos:
			t.Errorf("CheckSyntax(%q) = %+v, want %q at %d", c.in, e, c.want, c.pos)
		}
	}
}
