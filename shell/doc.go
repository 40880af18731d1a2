// Package shell is the kstone-shell command language, the one language of
// the REPL, script files, -c and pipes: it splits input into statements,
// runs them against a database through the Backend interface, and formats
// their results (table, JSON, JSON lines, CSV, typed DynamoDB JSON).
//
// Statements:
//
//	put {"pk": "user#1", "name": "Alice", "age": 30} [if COND] [return all_old]
//	get user#1 [SORTKEY] | get {"pk": "user#1", "sk": "order#7"}   [project PATHS]
//	delete KEY [if COND] [return all_old]
//	delete where COND                     every item the condition matches
//	update KEY UPDATE-EXPRESSION [if COND] [return all_new|all_old|updated_new|updated_old|none]
//	query KEY-CONDITION [filter COND] [project PATHS] [limit N] [desc]
//	scan [filter COND] [project PATHS] [limit N] [segment I/N]
//	next                                  the next page of the last query or scan
//	SELECT … / INSERT INTO … / UPDATE t SET … WHERE … / DELETE FROM t WHERE …   (PartiQL)
//	.help, .param set :v 1, .format json, …   (dot commands; .help lists them)
//
// Expressions are DynamoDB's, in the shell dialect: literals are accepted
// and bound automatically, and reserved words work as attribute names.
// Placeholders (:v, #n) come from .param; each statement gets only the ones
// it uses.
//
// The Session runs statements and returns structured Output, which the TUI
// renders itself; Runner drives a Session from a script or a pipe and
// writes results to stdout and errors, with their line, to stderr.
package shell
