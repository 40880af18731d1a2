// Package parser reads and evaluates DynamoDB's expression languages —
// UpdateExpression, ConditionExpression, FilterExpression,
// KeyConditionExpression, ProjectionExpression — and a PartiQL subset,
// with DynamoDB's semantics and its exact error messages.
//
// # Parse, compile, evaluate
//
// Parsing checks everything that does not depend on a request's bindings
// and returns an immutable tree, which a Cache can keep:
//
//	u, err := parser.ParseUpdate("SET #n = :n, age = age + :inc REMOVE tmp", parser.DialectDynamoDB)
//	c, err := parser.ParseCondition("attribute_exists(pk)", parser.ConditionExpression, parser.DialectDynamoDB)
//
// Compile binds the expressions of one request to its
// ExpressionAttributeNames and ExpressionAttributeValues (which they share)
// and returns their evaluable forms:
//
//	cr, err := parser.Compile(parser.Bindings{Names: names, Values: values}, parser.DialectDynamoDB, u, c)
//	ok, _ := cr.Condition.Eval(old)                    // ConditionalCheckFailedException when !ok
//	newItem, changed, err := cr.Update.Apply(old, []string{"pk", "sk"})
//	oldAttrs := parser.Project(old, changed)            // ReturnValues UPDATED_OLD
//
// A KeyConditionExpression compiles to terms that Resolve matches with the
// table's key schema; a ProjectionExpression to a projection Apply-ed to
// items. Single expressions can also be compiled with their Bind method.
//
// # Dialects
//
// DialectDynamoDB is DynamoDB exactly. DialectShell, for people typing at a
// prompt, also accepts literals in operand positions (age + 1,
// name = "Bob", tags = ["a"], s = <<"x", "y">>) — bound to generated
// placeholders :lit1, :lit2, … — and reserved words as attribute names
// (status, name, size); the grammar's keywords and function names followed
// by "(" keep their meaning. Compile reports unused bindings only in
// DialectDynamoDB, since the shell passes each statement just the bindings
// it uses.
//
// # PartiQL
//
// ParsePartiQL reads SELECT (projection or *, FROM table or "table"."index",
// WHERE, ORDER BY, LIMIT, OFFSET), INSERT INTO … VALUE {…}, UPDATE … SET …
// REMOVE … WHERE … and DELETE FROM … WHERE …, with single-quoted strings,
// double-quoted names, <<…>> sets and ? parameters. Each statement's Bind
// takes the parameters and returns a plan with the table, the compiled
// WHERE, its key terms (for PlanKeyQuery to choose get, query or scan),
// and the statement's other parts.
//
// # Errors
//
// Every error is an *Error whose Error() is DynamoDB's message, prefixed as
// DynamoDB prefixes it ("Invalid UpdateExpression: Syntax error; token:
// "=", near: "a = = :x""); when the error is about a token, Pos locates it
// for a caret. When an expression has several faults, the one DynamoDB
// reports is the one returned.
//
// # Grammar
//
// The grammars are participle structs, one per rule, sharing one lexer;
// their EBNF is in the comments of ast_*.go. Every node carries its
// position; the tree describes the text only, evaluation lives in
// eval_*.go.
package parser
