package shell

import (
	"strings"

	"github.com/keystonedb/kstone-shell/parser"
)

// CheckSyntax checks a statement's expressions without running it, for a
// REPL that shows the error (with its Pos) before Enter is pressed. It
// knows the statement forms, not the data: a missing key or an undefined
// placeholder is not reported. nil means nothing wrong was found.
func CheckSyntax(text string) *Error {
	src := strings.TrimRight(text, " \t\r\n;")
	if strings.TrimSpace(src) == "" || strings.HasPrefix(strings.TrimSpace(src), ".") {
		return nil
	}
	verb, end := firstWord(src, 0)
	check := func(sp span, ok bool, parse func(string) error) *Error {
		if !ok {
			return nil
		}
		sp = sp.trimmed(src)
		if sp.empty() {
			return nil
		}
		if err := parse(src[sp.start:sp.end]); err != nil {
			spans := exprSpans{kindOf(err): sp}
			if e, ok := spans.wrap(err).(*Error); ok {
				return e
			}
		}
		return nil
	}
	cond := func(kind parser.ExprKind) func(string) error {
		return func(s string) error { _, err := parser.ParseCondition(s, kind, parser.DialectShell); return err }
	}
	proj := func(s string) error { _, err := parser.ParseProjection(s, parser.DialectShell); return err }
	switch strings.ToLower(verb) {
	case "put", "delete", "get":
		if strings.EqualFold(verb, "delete") && isPartiQL(src) {
			return checkPartiQL(src)
		}
		_, args, cerr := clauses(src, end, "if", "return", "project")
		if cerr != nil {
			return asShellError(cerr)
		}
		if e := check(args["if"], hasKey(args, "if"), cond(parser.ConditionExpression)); e != nil {
			return e
		}
		return check(args["project"], hasKey(args, "project"), proj)
	case "update":
		if isPartiQL(src) {
			return checkPartiQL(src)
		}
		k := updateExprStart(src, end)
		head, args, cerr := clauses(src, k, "if", "return")
		if cerr != nil {
			return asShellError(cerr)
		}
		if e := check(head, true, func(s string) error { _, err := parser.ParseUpdate(s, parser.DialectShell); return err }); e != nil {
			return e
		}
		return check(args["if"], hasKey(args, "if"), cond(parser.ConditionExpression))
	case "query":
		head, args, cerr := clauses(src, end, "filter", "project", "limit", "desc", "asc")
		if cerr != nil {
			return asShellError(cerr)
		}
		if e := check(head, true, func(s string) error { _, err := parser.ParseKeyCondition(s, parser.DialectShell); return err }); e != nil {
			return e
		}
		if e := check(args["filter"], hasKey(args, "filter"), cond(parser.FilterExpression)); e != nil {
			return e
		}
		return check(args["project"], hasKey(args, "project"), proj)
	case "scan":
		_, args, cerr := clauses(src, end, "filter", "project", "limit", "segment")
		if cerr != nil {
			return asShellError(cerr)
		}
		if e := check(args["filter"], hasKey(args, "filter"), cond(parser.FilterExpression)); e != nil {
			return e
		}
		return check(args["project"], hasKey(args, "project"), proj)
	case "select", "insert":
		return checkPartiQL(src)
	}
	return nil
}

func checkPartiQL(src string) *Error {
	if _, err := parser.ParsePartiQL(src); err != nil {
		spans := exprSpans{parser.PartiQL: span{0, len(src)}}
		if e, ok := spans.wrap(err).(*Error); ok {
			return e
		}
	}
	return nil
}

func kindOf(err error) parser.ExprKind {
	if pe, ok := err.(*parser.Error); ok {
		return pe.Kind
	}
	return parser.Request
}

// DotCommandNames lists the dot commands, for completion.
func DotCommandNames() []string {
	names := make([]string, len(dotCommands))
	for i, c := range dotCommands {
		names[i] = c.name
	}
	return names
}

// Verbs lists the statement words, for completion.
func Verbs() []string {
	return []string{"put", "get", "delete", "update", "query", "scan", "next", "SELECT", "INSERT INTO", "UPDATE", "DELETE FROM"}
}

// ClauseKeywords lists the words that start a statement's clauses.
func ClauseKeywords() []string {
	return []string{"if", "return", "filter", "project", "limit", "desc", "asc", "segment"}
}

// Placeholders returns the names of the bound parameters (:values and
// #names), for completion.
func (s *Session) Placeholders() []string {
	var out []string
	for k := range s.params.values {
		out = append(out, k)
	}
	for k := range s.params.names {
		out = append(out, k)
	}
	return out
}

func asShellError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return &Error{Msg: err.Error(), Pos: -1, Err: err}
}

// updateExprStart skips an update's key (a JSON object, or one or two bare
// words before the first section keyword).
func updateExprStart(src string, i int) int {
	for i < len(src) && isSpace(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '{' {
		if end := matchingBrace(src, i); end > 0 {
			return end
		}
		return len(src)
	}
	_, end := firstWord(src, i)
	w, end2 := firstWord(src, end)
	if w != "" && !isKeyword(w, []string{"set", "remove", "add", "delete", "if", "return"}) {
		return end2
	}
	return end
}
