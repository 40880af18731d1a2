package parser

import (
	"errors"
	"strings"
	"testing"

	"github.com/keystonedb/kstone-shell/engine/item"
)

const noPos = -1

type msgCase struct {
	name string
	err  func() error
	want string
	pos  int // byte offset of the token the error is about, or noPos
}

// parseCase parses src and expects an error.
func parseCase(kind ExprKind, src string) func() error {
	return func() error { _, err := parseExpr(kind, src, DialectDynamoDB); return err }
}

// compileCase parses and compiles src with bindings.
func compileCase(kind ExprKind, src string, b Bindings) func() error {
	return func() error { _, err := compileExpr(kind, src, b, DialectDynamoDB); return err }
}

// applyCase compiles an update and applies it to it.
func applyCase(src string, b Bindings, it string, keys ...string) func() error {
	return func() error {
		c, err := compileExpr(UpdateExpression, src, b, DialectDynamoDB)
		if err != nil {
			return err
		}
		var old item.Item
		if it != "" {
			old, err = item.ItemFromJSON([]byte(it))
			if err != nil {
				return err
			}
		}
		_, _, err = c.Update.Apply(old, keys)
		return err
	}
}

func keyCase(src string, b Bindings, ks KeySchema) func() error {
	return func() error {
		c, err := compileExpr(KeyConditionExpression, src, b, DialectDynamoDB)
		if err != nil {
			return err
		}
		_, err = c.KeyCondition.Resolve(ks)
		return err
	}
}

var pkSK = KeySchema{PartitionKey: "pk", PartitionType: item.TypeS, SortKey: "sk", SortType: item.TypeN}

func hundredAndOne() string {
	parts := make([]string, 101)
	for i := range parts {
		parts[i] = ":v"
	}
	return "a IN (" + strings.Join(parts, ", ") + ")"
}

// TestMessages checks every message of DYNAMODB.md, and the other
// messages of the package, word for word, with the position of the token
// when there is one.
func TestMessages(t *testing.T) {
	v := vals(":v", vS("x"))
	cases := []msgCase{
		// --- UpdateExpression (DYNAMODB.md) ---
		{"update syntax", parseCase(UpdateExpression, "SET a = = :x"),
			`Invalid UpdateExpression: Syntax error; token: "=", near: "a = = :x"`, 8},
		{"update undefined value", compileCase(UpdateExpression, "SET a = :nope", Bindings{}),
			"Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :nope", 8},
		{"update undefined name", compileCase(UpdateExpression, "SET #zz = :v", Bindings{Values: v}),
			"Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #zz", 4},
		{"unused value", compileCase(UpdateExpression, "SET a = :v", Bindings{Values: vals(":v", vS("x"), ":unused", vN("1"))}),
			"Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}", noPos},
		{"reserved", parseCase(UpdateExpression, "SET size = :v"),
			"Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: size", 4},
		{"overlap", compileCase(UpdateExpression, "SET a = :v REMOVE a", Bindings{Values: v}),
			"Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]", 18},
		{"section twice", parseCase(UpdateExpression, "SET a = :v SET b = :v"),
			`Invalid UpdateExpression: The "SET" section can only be used once in an update expression;`, 11},
		{"invalid function", parseCase(UpdateExpression, "SET a = foo(b)"),
			"Invalid UpdateExpression: Invalid function name; function: foo", 8},
		{"plus operand type", compileCase(UpdateExpression, "SET a = :s + :n", Bindings{Values: vals(":s", vS("x"), ":n", vN("1"))}),
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S", 11},
		{"incorrect data type (ADD NS to SS)", applyCase("ADD s :ns", Bindings{Values: vals(":ns", item.NS{item.MustN("1")})}, `{"pk":"k","s":{"$SS":["a"]}}`),
			"An operand in the update expression has an incorrect data type", noPos},
		{"ADD list operand", compileCase(UpdateExpression, "ADD a :l", Bindings{Values: vals(":l", item.L{vN("1")})}),
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND", 6},
		{"key attribute", applyCase("SET pk = :v", Bindings{Values: v}, `{"pk":"k"}`, "pk"),
			"One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key", noPos},
		{"missing attribute", applyCase("SET a = nosuch + :x", Bindings{Values: vals(":x", vN("1"))}, `{"pk":"k"}`),
			"The provided expression refers to an attribute that does not exist in the item", noPos},
		{"invalid path", applyCase("SET m.x = :v", Bindings{Values: v}, `{"pk":"k"}`),
			"The document path provided in the update expression is invalid for update", noPos},
		{"empty update", parseCase(UpdateExpression, ""),
			"Invalid UpdateExpression: The expression can not be empty;", noPos},

		// --- ConditionExpression / FilterExpression / KeyConditionExpression (DYNAMODB.md) ---
		{"condition syntax EOF", parseCase(ConditionExpression, "a >"),
			`Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "a >"`, 3},
		{"redundant parentheses", parseCase(ConditionExpression, "((a = :v))"),
			"Invalid ConditionExpression: The expression has redundant parentheses;", 0},
		{"size alone", parseCase(ConditionExpression, "size(a)"),
			"Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size", 0},
		{"attribute_type name", compileCase(ConditionExpression, "attribute_type(a, :t)", Bindings{Values: vals(":t", vS("ZZ"))}),
			"Invalid ConditionExpression: Invalid attribute type name found; type: ZZ, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}", 18},
		{"between bounds (filter)", compileCase(FilterExpression, "a BETWEEN :lo AND :hi", Bindings{Values: vals(":lo", vN("9"), ":hi", vN("1"))}),
			"Invalid FilterExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:9}, upper bound operand: AttributeValue: {N:1}", 2},
		{"IN too many", parseCase(ConditionExpression, hundredAndOne()),
			"Invalid ConditionExpression: The IN operator is provided with too many operands", 2},
		{"conditional check failed", func() error {
			c, err := compileExpr(ConditionExpression, "attribute_exists(a)", Bindings{}, DialectDynamoDB)
			if err != nil {
				return err
			}
			return c.Condition.Check(item.Item{"pk": vS("k")})
		}, "The conditional request failed", noPos},

		// --- Values and items (DYNAMODB.md) ---
		{"empty set value", compileCase(UpdateExpression, "ADD s :x", Bindings{Values: vals(":x", item.SS{})}),
			"ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :x", noPos},
		{"item too large", func() error {
			return pkSK.ValidateItem(item.Item{"pk": vS("k"), "sk": vN("1"), "big": item.S(strings.Repeat("x", item.MaxItemSize))})
		}, "Item size has exceeded the maximum allowed size", noPos},
		{"missing key", func() error { return pkSK.ValidateItem(item.Item{"sk": vN("1")}) },
			"One or more parameter values were invalid: Missing the key pk in the item", noPos},
		{"key type mismatch", func() error { return pkSK.ValidateItem(item.Item{"pk": vN("1"), "sk": vN("1")}) },
			"One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N", noPos},

		// --- prefixes name the expression ---
		{"filter syntax", parseCase(FilterExpression, "a >"),
			`Invalid FilterExpression: Syntax error; token: "<EOF>", near: "a >"`, 3},
		{"key condition syntax", parseCase(KeyConditionExpression, "pk = = :v"),
			`Invalid KeyConditionExpression: Syntax error; token: "=", near: "pk = = :v"`, 5},
		{"projection syntax", parseCase(ProjectionExpression, "a, :v"),
			`Invalid ProjectionExpression: Syntax error; token: ":v", near: "a, :v"`, 3},
		{"empty condition", parseCase(ConditionExpression, ""), "Invalid ConditionExpression: The expression can not be empty;", noPos},
		{"empty filter", parseCase(FilterExpression, ""), "Invalid FilterExpression: The expression can not be empty;", noPos},
		{"empty key condition", parseCase(KeyConditionExpression, ""), "Invalid KeyConditionExpression: The expression can not be empty;", noPos},
		{"empty projection", parseCase(ProjectionExpression, ""), "Invalid ProjectionExpression: The expression can not be empty;", noPos},

		// --- more syntax errors ---
		{"bad character", parseCase(ConditionExpression, "a = @b"),
			`Invalid ConditionExpression: Syntax error; token: "@", near: "a = @b"`, 4},
		{"bare path", parseCase(ConditionExpression, "a AND b = :v"),
			`Invalid ConditionExpression: Syntax error; token: "AND", near: "a AND b"`, 2},
		{"no arguments", parseCase(ConditionExpression, "attribute_type()"),
			`Invalid ConditionExpression: Syntax error; token: ")", near: "attribute_type()"`, 15},
		{"index not a number", parseCase(ProjectionExpression, "l[a]"),
			`Invalid ProjectionExpression: Syntax error; token: "a", near: "l[a]"`, 2},
		{"index not an integer", parseCase(ProjectionExpression, "l[1.5]"),
			`Invalid ProjectionExpression: Syntax error; token: "1.5", near: "l[1.5]"`, 2},
		{"literal in strict dialect", parseCase(ConditionExpression, `a = "x"`),
			`Invalid ConditionExpression: Syntax error; token: ""x"", near: "a = "x""`, 4},
		{"missing section keyword", parseCase(UpdateExpression, "a = :v"),
			`Invalid UpdateExpression: Syntax error; token: "a", near: "a ="`, 0},
		{"SET without action", parseCase(UpdateExpression, "SET"),
			`Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"`, 3},
		{"nested arithmetic", parseCase(UpdateExpression, "SET a = (b + :c) + :d"),
			`Invalid UpdateExpression: Syntax error; token: "+", near: "(b + :c"`, 11},
		{"ADD with a path", parseCase(UpdateExpression, "ADD a b"),
			`Invalid UpdateExpression: Syntax error; token: "b", near: "ADD a b"`, 6},
		{"!= is PartiQL only", parseCase(ConditionExpression, "a != :v"),
			`Invalid ConditionExpression: Syntax error; token: "!=", near: "a != :v"`, 2},
		{"reserved in condition", parseCase(ConditionExpression, "status = :v"),
			"Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status", 0},
		{"reserved nested", parseCase(ConditionExpression, "m.COMMENT = :v"),
			"Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: COMMENT", 2},
		{"reserved in projection", parseCase(ProjectionExpression, "a, name"),
			"Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name", 3},
		{"redundant operand parentheses", parseCase(ConditionExpression, "((a)) = :v"),
			"Invalid ConditionExpression: The expression has redundant parentheses;", 0},
		{"parenthesised condition compared", parseCase(ConditionExpression, "(a = :v) = :w"),
			`Invalid ConditionExpression: Syntax error; token: "=", near: ":v) = :w"`, 9},

		// --- functions ---
		{"function misused as operand", parseCase(ConditionExpression, "attribute_exists(a) = :v"),
			"Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists", 0},
		{"function inside size", parseCase(ConditionExpression, "size(contains(a, :v)) = :n"),
			"Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: contains", 5},
		{"unknown condition function", parseCase(ConditionExpression, "foo(a)"),
			"Invalid ConditionExpression: Invalid function name; function: foo", 0},
		{"function names are case-sensitive", parseCase(ConditionExpression, "SIZE(a) > :n"),
			"Invalid ConditionExpression: Invalid function name; function: SIZE", 0},
		{"update function in condition", parseCase(ConditionExpression, "if_not_exists(a, :v) = :v"),
			"Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists", 0},
		{"condition function in update", parseCase(UpdateExpression, "SET r = contains(s, :v)"),
			"Invalid UpdateExpression: The function is not allowed in an update expression; function: contains", 8},
		{"size in update", parseCase(UpdateExpression, "SET r = size(s)"),
			"Invalid UpdateExpression: The function is not allowed in an update expression; function: size", 8},
		{"nested list_append", parseCase(UpdateExpression, "SET r = list_append(list_append(l, :a), :b)"),
			"Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append", 20},
		{"if_not_exists needs a path", compileCase(UpdateExpression, "SET r = if_not_exists(:a, :b)", Bindings{Values: vals(":a", vN("1"), ":b", vN("2"))}),
			"Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists", 8},
		{"update operand count", compileCase(UpdateExpression, "SET r = list_append(:a)", Bindings{Values: vals(":a", item.L{})}),
			"Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1", 8},
		{"list_append operand type", compileCase(UpdateExpression, "SET r = list_append(l, :s)", Bindings{Values: vals(":s", vS("x"))}),
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S", 8},
		{"minus operand type", compileCase(UpdateExpression, "SET r = a - :b", Bindings{Values: vals(":b", item.BOOL(true))}),
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: -, operand type: BOOL", 10},
		{"DELETE number operand", compileCase(UpdateExpression, "DELETE s :n", Bindings{Values: vals(":n", vN("1"))}),
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND", 9},
		{"ADD string operand", compileCase(UpdateExpression, "ADD s :s", Bindings{Values: vals(":s", vS("x"))}),
			"Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND", 6},
		{"condition operand count", compileCase(ConditionExpression, "contains(a)", Bindings{}),
			"Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: contains, number of operands: 1", 0},
		{"size operand count", compileCase(ConditionExpression, "size(a, b) = :n", Bindings{Values: vals(":n", vN("1"))}),
			"Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: size, number of operands: 2", 0},
		{"distinct operands", compileCase(ConditionExpression, "contains(a.b, a.b)", Bindings{}),
			"Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a, b]", 0},
		{"distinct comparison", compileCase(ConditionExpression, "a[1] = a[1]", Bindings{}),
			"Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a, [1]]", 0},
		{"begins_with operand type", compileCase(ConditionExpression, "begins_with(a, :n)", Bindings{Values: vals(":n", vN("1"))}),
			"Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N", 0},
		{"size operand type", compileCase(ConditionExpression, "size(:n) > :n", Bindings{Values: vals(":n", vN("1"))}),
			"Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N", 0},
		{"attribute_type operand type", compileCase(ConditionExpression, "attribute_type(a, :n)", Bindings{Values: vals(":n", vN("1"))}),
			"Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N", 0},
		{"attribute_exists needs a path", compileCase(ConditionExpression, "attribute_exists(:v)", Bindings{Values: v}),
			"Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists", 0},
		{"between types", compileCase(ConditionExpression, "a BETWEEN :lo AND :hi", Bindings{Values: vals(":lo", vN("1"), ":hi", vS("a"))}),
			"Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}", 2},
		{"between binary bounds", compileCase(ConditionExpression, "a BETWEEN :lo AND :hi", Bindings{Values: vals(":lo", vB('z'), ":hi", vB('a'))}),
			"Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {B:eg==}, upper bound operand: AttributeValue: {B:YQ==}", 2},
		{"condition undefined value", compileCase(ConditionExpression, "a = :v OR b = :w", Bindings{Values: v}),
			"Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :w", 14},
		{"projection undefined name", compileCase(ProjectionExpression, "a, #b", Bindings{}),
			"Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #b", 3},

		// --- paths ---
		{"nested overlap", compileCase(UpdateExpression, "SET a.b = :v, #a = :v", Bindings{Names: names("#a", "a"), Values: v}),
			"Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]", 14},
		{"conflict", compileCase(UpdateExpression, "SET a.b = :v, a[0] = :v", Bindings{Values: v}),
			"Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]", 14},
		{"projection overlap", compileCase(ProjectionExpression, "a.b, a", Bindings{}),
			"Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]", 5},

		// --- request-level ---
		{"unused name", compileCase(ProjectionExpression, "#a", Bindings{Names: names("#a", "a", "#b", "b")}),
			"Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}", noPos},
		{"invalid name key", compileCase(ProjectionExpression, "a", Bindings{Names: names("name", "a")}),
			`ExpressionAttributeNames contains invalid key: Syntax error; key: "name"`, noPos},
		{"invalid value key", compileCase(ProjectionExpression, "a", Bindings{Values: vals("v", vS("x"))}),
			`ExpressionAttributeValues contains invalid key: Syntax error; key: "v"`, noPos},

		// --- key conditions ---
		{"key OR", keyCase("pk = :a OR sk = :b", Bindings{Values: vals(":a", vS("x"), ":b", vN("1"))}, pkSK),
			"Invalid operator used in KeyConditionExpression: OR", noPos},
		{"key NOT", keyCase("NOT pk = :a", Bindings{Values: vals(":a", vS("x"))}, pkSK),
			"Invalid operator used in KeyConditionExpression: NOT", noPos},
		{"key IN", keyCase("pk IN (:a)", Bindings{Values: vals(":a", vS("x"))}, pkSK),
			"Invalid operator used in KeyConditionExpression: IN", noPos},
		{"key <>", keyCase("pk <> :a", Bindings{Values: vals(":a", vS("x"))}, pkSK),
			"Invalid operator used in KeyConditionExpression: <>", noPos},
		{"key contains", keyCase("pk = :a AND contains(sk, :b)", Bindings{Values: vals(":a", vS("x"), ":b", vN("1"))}, pkSK),
			"Invalid operator used in KeyConditionExpression: contains", noPos},
		{"key size", keyCase("size(pk) = :b", Bindings{Values: vals(":b", vN("1"))}, pkSK),
			"KeyConditionExpressions cannot contain nested operations", noPos},
		{"key nested", keyCase("pk.x = :a", Bindings{Values: vals(":a", vS("x"))}, pkSK),
			"KeyConditionExpressions cannot have conditions on nested attributes", noPos},
		{"key two attributes", keyCase("pk = sk", Bindings{}, pkSK),
			"Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition", noPos},
		{"key no attribute", keyCase(":a = :a", Bindings{Values: vals(":a", vS("x"))}, pkSK),
			"Invalid condition in KeyConditionExpression: No key attribute specified", noPos},
		{"key one per key", keyCase("pk = :a AND sk > :b AND sk < :b", Bindings{Values: vals(":a", vS("x"), ":b", vN("1"))}, pkSK),
			"KeyConditionExpressions must only contain one condition per key", noPos},
		{"key BETWEEN first operand", keyCase(":a BETWEEN sk AND :b", Bindings{Values: vals(":a", vN("0"), ":b", vN("1"))}, pkSK),
			"Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand", noPos},
		{"key begins_with first operand", keyCase("begins_with(:a, sk)", Bindings{Values: vals(":a", vS("x"))}, pkSK),
			"Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand", noPos},
		{"key missed", keyCase("sk = :b", Bindings{Values: vals(":b", vN("1"))}, pkSK),
			"Query condition missed key schema element: pk", noPos},
		{"key not a key", keyCase("pk = :a AND status = :a", Bindings{Values: vals(":a", vS("x"))}, pkSK),
			"Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: status", 12},
		{"key non-key attribute", keyCase("pk = :a AND color = :a", Bindings{Values: vals(":a", vS("x"))}, pkSK),
			"Query key condition not supported", noPos},
		{"partition key not EQ", keyCase("pk > :a", Bindings{Values: vals(":a", vS("x"))}, pkSK),
			"Query key condition not supported", noPos},
		{"key type mismatch", keyCase("pk = :a AND sk = :b", Bindings{Values: vals(":a", vS("x"), ":b", vS("1"))}, pkSK),
			"One or more parameter values were invalid: Condition parameter type does not match schema type", noPos},
		{"key too many", keyCase("pk = :a AND sk = :b AND c = :a", Bindings{Values: vals(":a", vS("x"), ":b", vN("1"))}, pkSK),
			"Conditions can be of length 1 or 2 only", noPos},

		// --- runtime ---
		{"ADD number to string", applyCase("ADD a :n", Bindings{Values: vals(":n", vN("1"))}, `{"pk":"k","a":"x"}`),
			"An operand in the update expression has an incorrect data type", noPos},
		{"plus on a string attribute", applyCase("SET a = a + :n", Bindings{Values: vals(":n", vN("1"))}, `{"pk":"k","a":"x"}`),
			"An operand in the update expression has an incorrect data type", noPos},
		{"list_append on a map", applyCase("SET a = list_append(a, :l)", Bindings{Values: vals(":l", item.L{})}, `{"pk":"k","a":{}}`),
			"An operand in the update expression has an incorrect data type", noPos},
		{"overflow", applyCase("SET a = a + :n", Bindings{Values: vals(":n", vN("0.5"))}, `{"pk":"k","a":12345678901234567890123456789012345678}`),
			"Attempting to store more than 38 significant digits in a Number", noPos},
		{"index into a map", applyCase("SET m[0] = :v", Bindings{Values: v}, `{"pk":"k","m":{}}`),
			"The document path provided in the update expression is invalid for update", noPos},
		{"remove under a missing map", applyCase("REMOVE m.x.y", Bindings{}, `{"pk":"k"}`),
			"The document path provided in the update expression is invalid for update", noPos},

		// --- PartiQL ---
		{"partiql not DML", func() error { _, err := ParsePartiQL("CREATE TABLE x"); return err },
			"Statement wasn't well formed, can't be processed: Expected data manipulation", noPos},
		{"partiql syntax", func() error { _, err := ParsePartiQL("SELECT * FROM t WHERE"); return err },
			`Statement wasn't well formed, can't be processed: Syntax error; token: "<EOF>", near: "t WHERE"`, 21},
		{"partiql parameters", func() error {
			st, err := ParsePartiQL("SELECT * FROM t WHERE pk = ?")
			if err != nil {
				return err
			}
			_, err = st.(*Select).Bind(nil)
			return err
		}, "Number of parameters in request and statement don't match.", 27},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if err == nil {
				t.Fatalf("no error; want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Fatalf("message\n got: %s\nwant: %s", err.Error(), tc.want)
			}
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *parser.Error", err)
			}
			if pe.Msg != tc.want {
				t.Fatalf("Msg %q differs from Error()", pe.Msg)
			}
			switch {
			case tc.pos == noPos && pe.HasPos:
				t.Fatalf("unexpected position %v", pe.Pos)
			case tc.pos != noPos && !pe.HasPos:
				t.Fatalf("no position; want offset %d", tc.pos)
			case tc.pos != noPos && pe.Pos.Offset != tc.pos:
				t.Fatalf("position offset %d, want %d", pe.Pos.Offset, tc.pos)
			}
		})
	}
}

func TestErrorPositionLineColumn(t *testing.T) {
	_, err := ParseUpdate("SET a = :a,\n    b = = :b", DialectDynamoDB)
	var pe *Error
	if !errors.As(err, &pe) || !pe.HasPos {
		t.Fatalf("got %v", err)
	}
	if pe.Pos.Line != 2 || pe.Pos.Column != 9 || pe.Pos.Offset != 20 {
		t.Fatalf("position %+v", pe.Pos)
	}
	if pe.Kind != UpdateExpression {
		t.Fatalf("kind %v", pe.Kind)
	}
}

func TestConditionalCheckFailedIs(t *testing.T) {
	c := mustCondition(t, "attribute_exists(a)", Bindings{}, DialectDynamoDB)
	err := c.Check(item.Item{})
	if !errors.Is(err, ErrConditionalCheckFailed) {
		t.Fatalf("got %v", err)
	}
	if err := c.Check(item.Item{"a": vN("1")}); err != nil {
		t.Fatal(err)
	}
}

func TestExprKindString(t *testing.T) {
	want := map[ExprKind]string{
		UpdateExpression: "UpdateExpression", ConditionExpression: "ConditionExpression",
		FilterExpression: "FilterExpression", KeyConditionExpression: "KeyConditionExpression",
		ProjectionExpression: "ProjectionExpression", PartiQL: "PartiQL", Request: "Request",
	}
	for k, w := range want {
		if k.String() != w {
			t.Errorf("%d: %q", k, k.String())
		}
	}
}
