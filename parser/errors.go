package parser

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/keystonedb/kstone-shell/engine/item"
)

// ExprKind names the kind of text an expression (or an error) belongs to.
// Its String is the word DynamoDB uses in its messages.
type ExprKind int

// The kinds of expression. Request is the zero value: it marks errors about
// a request's bindings (ExpressionAttributeNames/Values) rather than about
// one expression.
const (
	Request ExprKind = iota
	UpdateExpression
	ConditionExpression
	FilterExpression
	KeyConditionExpression
	ProjectionExpression
	PartiQL
)

// String returns "UpdateExpression", "ConditionExpression", …, "PartiQL",
// or "Request".
func (k ExprKind) String() string {
	switch k {
	case UpdateExpression:
		return "UpdateExpression"
	case ConditionExpression:
		return "ConditionExpression"
	case FilterExpression:
		return "FilterExpression"
	case KeyConditionExpression:
		return "KeyConditionExpression"
	case ProjectionExpression:
		return "ProjectionExpression"
	case PartiQL:
		return "PartiQL"
	case Request:
		return "Request"
	}
	return "ExprKind(" + strconv.Itoa(int(k)) + ")"
}

// Error is every error this package returns. Error() is DynamoDB's message,
// exactly (Msg). When the error is about a token of the source, HasPos is
// true and Pos locates that token (Offset in bytes, Line and Column from 1)
// so that a shell can draw a caret under it.
type Error struct {
	Kind   ExprKind
	Pos    lexer.Position
	HasPos bool
	Msg    string
	// Err is the underlying cause, if any (for example the
	// *item.NumberError of an arithmetic overflow).
	Err error
}

// Error returns the full message, prefix included.
func (e *Error) Error() string { return e.Msg }

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// The fixed message bodies, as DynamoDB writes them.
const (
	msgEmpty           = "The expression can not be empty;"
	msgRedundant       = "The expression has redundant parentheses;"
	msgTooManyIn       = "The IN operator is provided with too many operands"
	msgMissingAttr     = "The provided expression refers to an attribute that does not exist in the item"
	msgInvalidPath     = "The document path provided in the update expression is invalid for update"
	msgIncorrectType   = "An operand in the update expression has an incorrect data type"
	msgKeyNested       = "KeyConditionExpressions cannot have conditions on nested attributes"
	msgKeyNestedOps    = "KeyConditionExpressions cannot contain nested operations"
	msgKeyOnePerKey    = "KeyConditionExpressions must only contain one condition per key"
	msgKeyMultiAttr    = "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
	msgKeyNoAttr       = "Invalid condition in KeyConditionExpression: No key attribute specified"
	msgKeyTooMany      = "Conditions can be of length 1 or 2 only"
	msgKeyUnsupported  = "Query key condition not supported"
	msgKeyTypeMismatch = "One or more parameter values were invalid: Condition parameter type does not match schema type"
	msgPartiQLPrefix   = "Statement wasn't well formed, can't be processed: "
	// attributeTypeOperandTypes is what DynamoDB lists when the second
	// operand of attribute_type is not a value.
	attributeTypeOperandTypes = "{S,SS,N,NS,B,BS,BOOL,NULL,L,M,HD,DOUBLE,FLOAT,HDS,FS,DOUBLESET,DICT,DECIMAL,INT,DECIMALSET,INTSET}"
)

func msgSyntax(tok, near string) string {
	return `Syntax error; token: "` + tok + `", near: "` + near + `"`
}

func msgUndefinedValue(v string) string {
	return "An expression attribute value used in expression is not defined; attribute value: " + v
}

func msgUndefinedName(n string) string {
	return "An expression attribute name used in the document path is not defined; attribute name: " + n
}

func msgReserved(w string) string {
	return "Attribute name is a reserved keyword; reserved keyword: " + w
}

func msgSection(s string) string {
	return `The "` + s + `" section can only be used once in an update expression;`
}

func msgInvalidFunction(f string) string { return "Invalid function name; function: " + f }

func msgMisusedFunction(f string) string {
	return "The function is not allowed to be used this way in an expression; function: " + f
}

func msgNotInUpdate(f string) string {
	return "The function is not allowed in an update expression; function: " + f
}

func msgNotInCondition(f string) string {
	return "The function is not allowed in a condition expression; function: " + f
}

func msgOperandType(op, typ string) string {
	return "Incorrect operand type for operator or function; operator or function: " + op + ", operand type: " + typ
}

func msgOperandCount(op string, n int) string {
	return "Incorrect number of operands for operator or function; operator or function: " + op +
		", number of operands: " + strconv.Itoa(n)
}

func msgNeedsPath(op string) string {
	return "Operator or function requires a document path; operator or function: " + op
}

func msgDistinct(op string, p Path) string {
	return "The first operand must be distinct from the remaining operands for this operator or function; operator: " +
		op + ", first operand: " + p.listString()
}

func msgAttributeType(t string) string {
	return "Invalid attribute type name found; type: " + t + ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
}

func msgBetweenOrder(lo, hi item.Value) string {
	return "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: " +
		attrValueString(lo) + ", upper bound operand: AttributeValue: " + attrValueString(hi)
}

func msgBetweenTypes(lo, hi item.Value) string {
	return "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: " +
		attrValueString(lo) + ", upper bound operand: AttributeValue: " + attrValueString(hi)
}

func msgOverlap(a, b Path) string {
	return "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: " +
		a.listString() + ", path two: " + b.listString()
}

func msgConflict(a, b Path) string {
	return "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: " +
		a.listString() + ", path two: " + b.listString()
}

// msgAddDeleteType is the ADD/DELETE operand message; its type names are
// DynamoDB's long ones (LIST, not L).
func msgAddDeleteType(op string, t item.Type) string {
	return "Incorrect operand type for operator or function; operator: " + op + ", operand type: " +
		longTypeName(t) + ", typeSet: ALLOWED_FOR_" + op + "_OPERAND"
}

func msgKeyOperator(op string) string {
	return "Invalid operator used in KeyConditionExpression: " + op
}

func msgKeyFirstOperand(op string) string {
	return "Invalid condition in KeyConditionExpression: " + op + " operator must have the key attribute as its first operand"
}

func msgKeyMissed(name string) string { return "Query condition missed key schema element: " + name }

func msgUnused(what string, keys []string) string {
	return "Value provided in " + what + " unused in expressions: keys: {" + strings.Join(keys, ", ") + "}"
}

func msgKeyPartOfKey(name string) string {
	return "One or more parameter values were invalid: Cannot update attribute " + name + ". This attribute is part of the key"
}

func longTypeName(t item.Type) string {
	switch t {
	case item.TypeS:
		return "STRING"
	case item.TypeN:
		return "NUMBER"
	case item.TypeB:
		return "BINARY"
	case item.TypeBOOL:
		return "BOOLEAN"
	case item.TypeNULL:
		return "NULL"
	case item.TypeL:
		return "LIST"
	case item.TypeM:
		return "MAP"
	}
	return t.String()
}

// attrValueString prints a value the way DynamoDB's BETWEEN messages do:
// {N:9}, {S:z}, {B:eg==}.
func attrValueString(v item.Value) string {
	var b strings.Builder
	b.WriteString("{")
	b.WriteString(v.Type().String())
	b.WriteString(":")
	switch v := v.(type) {
	case item.S:
		b.WriteString(string(v))
	case item.N:
		b.WriteString(v.String())
	case item.B:
		b.WriteString(base64.StdEncoding.EncodeToString(v))
	case item.BOOL:
		b.WriteString(strconv.FormatBool(bool(v)))
	case item.NULL:
		b.WriteString("true")
	default:
		b.Write(item.AppendJSON(nil, v))
	}
	b.WriteString("}")
	return b.String()
}

// newError builds an error whose message is body prefixed the way DynamoDB
// prefixes messages about kind ("Invalid UpdateExpression: …").
func newError(kind ExprKind, body string) *Error {
	return &Error{Kind: kind, Msg: prefixed(kind, body)}
}

// newErrorAt is newError located at pos.
func newErrorAt(kind ExprKind, pos lexer.Position, body string) *Error {
	return &Error{Kind: kind, Pos: pos, HasPos: true, Msg: prefixed(kind, body)}
}

// plainError is an error DynamoDB reports without an expression prefix.
func plainError(kind ExprKind, msg string) *Error {
	return &Error{Kind: kind, Msg: msg}
}

func prefixed(kind ExprKind, body string) string {
	switch kind {
	case Request:
		return body
	case PartiQL:
		if strings.HasPrefix(body, "Syntax error;") {
			return msgPartiQLPrefix + body
		}
		return body
	}
	return "Invalid " + kind.String() + ": " + body
}
