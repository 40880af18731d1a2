package shell

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/keystonedb/kstone-shell/engine"
)

// dotCommand is one dot command: how to call it, an example, and the code.
type dotCommand struct {
	name    string
	usage   string
	example string
	help    string
	run     func(s *Session, ctx context.Context, args []string, rest string) (Output, error)
}

var dotCommands []dotCommand

func init() {
	dotCommands = []dotCommand{
		{".help", ".help [COMMAND]", ".help param", "list the commands, or explain one", (*Session).dotHelp},
		{".quit", ".quit", ".quit", "leave (also .exit)", quit},
		{".exit", ".exit", ".exit", "leave", quit},
		{".tables", ".tables", ".tables", "list the tables and their keys", (*Session).dotTables},
		{".use", ".use TABLE", ".use orders", "run the next statements against TABLE", (*Session).dotUse},
		{".indexes", ".indexes [TABLE]", ".indexes", "list secondary indexes", (*Session).dotIndexes},
		{".format", ".format table|json|jsonl|csv|ddb", ".format jsonl", "how results are printed (also .mode)", (*Session).dotFormat},
		{".mode", ".mode FORMAT", ".mode csv", "same as .format", (*Session).dotFormat},
		{".input", ".input json|ddb", ".input ddb", "read items and values as plain JSON or typed DynamoDB JSON", (*Session).dotInput},
		{".param", ".param set NAME VALUE | list | unset NAME | clear", ".param set :inc 1", "bind :values (JSON) and #names for expressions", (*Session).dotParam},
		{".timer", ".timer on|off", ".timer on", "print how long each statement took (to stderr)", flagCmd(func(s *Session) *bool { return &s.Timer })},
		{".echo", ".echo on|off", ".echo on", "print each statement before running it", flagCmd(func(s *Session) *bool { return &s.Echo })},
		{".bail", ".bail on|off", ".bail on", "stop a script at the first error", flagCmd(func(s *Session) *bool { return &s.Bail })},
		{".read", ".read FILE", ".read migrate.kst", "run the statements in FILE (relative to the current script)", (*Session).dotRead},
		{".output", ".output [FILE]", ".output result.jsonl", "send results to FILE; alone, back to stdout", (*Session).dotOutput},
		{".import", ".import FILE [TABLE]", ".import users.jsonl", "load items from a .jsonl, .json or .csv file (relaxed durability, one sync at the end)", (*Session).dotImport},
		{".export", ".export FILE [TABLE]", ".export users.jsonl", "write every item to a .jsonl, .json or .csv file", (*Session).dotExport},
		{".stats", ".stats [stripe N]", ".stats", "engine statistics: memtables, SSTs, compactions, bloom filters, latencies", (*Session).dotStats},
		{".health", ".health", ".health", "health status with every warning and error", (*Session).dotHealth},
		{".flush", ".flush", ".flush", "write every memtable to an SST", (*Session).dotFlush},
		{".compact", ".compact [stripe N]", ".compact stripe 42", "compact one stripe, or all", (*Session).dotCompact},
		{".verify", ".verify", ".verify", "check every file of the database read-only: SSTs, WAL segments, manifest", (*Session).dotVerify},
		{".backup", ".backup DEST", ".backup /backups/mydb-1", "copy the database to DEST (a new directory) while it stays open", (*Session).dotBackup},
		{".durability", ".durability sync|relaxed", ".durability relaxed", "sync: each write waits for its fsync; relaxed: writes return at once (bulk loads; end with .sync)", (*Session).dotDurability},
		{".sync", ".sync", ".sync", "make every write so far durable", (*Session).dotSync},
		{".explain", ".explain STATEMENT", ".explain get user#1", "show how a get, query or scan reads: stripe, memtables, SSTs, bloom filters", (*Session).dotExplain},
		{".width", ".width N", ".width 120", "table width (0: no limit)", (*Session).dotWidth},
	}
}

func quit(*Session, context.Context, []string, string) (Output, error) {
	return Output{Quit: true}, nil
}

// dot runs a dot command line.
func (s *Session) dot(ctx context.Context, line string) (Output, error) {
	name, end := firstWord(line, 0)
	rest := strings.TrimSpace(line[end:])
	args, err := splitArgs(rest)
	if err != nil {
		return Output{}, err
	}
	for _, c := range dotCommands {
		if strings.EqualFold(c.name, name) {
			return c.run(s, ctx, args, rest)
		}
	}
	return Output{}, usageErr(0, "unknown command %s (.help lists the commands)", name)
}

// splitArgs splits dot-command arguments on spaces, honouring quotes.
func splitArgs(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			break
		}
		if q := s[i]; q == '"' || q == '\'' {
			j := strings.IndexByte(s[i+1:], q)
			if j < 0 {
				return nil, usageErr(i, "unterminated %c", q)
			}
			out = append(out, s[i+1:i+1+j])
			i += j + 2
			continue
		}
		j := i
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		out = append(out, s[i:j])
		i = j
	}
	return out, nil
}

func (s *Session) needAdmin(cmd string) error {
	if s.admin == nil {
		return usageErr(-1, "%s needs the embedded engine; this backend has no operator view", cmd)
	}
	return nil
}

func text(format string, args ...any) Output { return Output{Text: fmt.Sprintf(format, args...)} }

func (s *Session) dotHelp(_ context.Context, args []string, _ string) (Output, error) {
	var b strings.Builder
	if len(args) == 1 {
		want := args[0]
		if !strings.HasPrefix(want, ".") {
			want = "." + want
		}
		for _, c := range dotCommands {
			if c.name == want {
				fmt.Fprintf(&b, "%s\n  %s\n  example: %s\n", c.usage, c.help, c.example)
				return Output{Text: b.String()}, nil
			}
		}
		return Output{}, usageErr(-1, "no command %s", args[0])
	}
	b.WriteString(statementHelp)
	b.WriteString("\nDot commands:\n")
	for _, c := range dotCommands {
		fmt.Fprintf(&b, "  %-34s %s\n      e.g. %s\n", c.usage, c.help, c.example)
	}
	return Output{Text: b.String()}, nil
}

const statementHelp = `Statements (expressions are DynamoDB's; literals and :params both work):
  put {"pk": "user#1", "name": "Alice", "age": 30}                 store an item
  put {"pk": "user#1"} if attribute_not_exists(pk)                 ... only if new
  get user#1            get user#1 order#7            get {"pk": "user#1", "sk": "order#7"}
  delete user#1 if age < :max                                      remove an item
  delete where status = "expired"                                  remove every matching item
  update user#1 SET age = age + 1, tags = list_append(tags, ["x"]) REMOVE tmp return all_new
  query pk = "user#1" AND begins_with(sk, "order#") filter qty > 2 project sk, qty limit 10 desc
  scan filter age BETWEEN 20 AND 30 project name limit 100 segment 0/4
  next                                                             the next page of a query or scan
  SELECT name, age FROM items WHERE pk = 'user#1'                  PartiQL (also INSERT, UPDATE, DELETE)
A statement ends at the end of a line unless a bracket, brace or quote is open, or at ";".
"--" starts a comment.
`

func flagCmd(field func(*Session) *bool) func(*Session, context.Context, []string, string) (Output, error) {
	return func(s *Session, _ context.Context, args []string, _ string) (Output, error) {
		p := field(s)
		if len(args) == 0 {
			return text("%s\n", onOff(*p)), nil
		}
		switch strings.ToLower(args[0]) {
		case "on", "1", "yes", "true":
			*p = true
		case "off", "0", "no", "false":
			*p = false
		default:
			return Output{}, usageErr(-1, "expected on or off, got %q", args[0])
		}
		return Output{}, nil
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func (s *Session) dotTables(context.Context, []string, string) (Output, error) {
	var b strings.Builder
	for _, t := range s.backend.TableInfos() {
		fmt.Fprintf(&b, "%-16s %s\n", t.Name, describeSchema(t.Schema))
	}
	return Output{Text: b.String()}, nil
}

func describeSchema(ks engine.KeySchema) string {
	d := fmt.Sprintf("partition key %s (%s)", ks.PartitionKey, ks.PartitionType)
	if ks.SortKey != "" {
		opt := ""
		if ks.SortKeyOptional {
			opt = ", optional"
		}
		d += fmt.Sprintf(", sort key %s (%s%s)", ks.SortKey, ks.SortType, opt)
	}
	return d
}

func (s *Session) dotUse(_ context.Context, args []string, _ string) (Output, error) {
	if len(args) != 1 {
		return Output{}, usageErr(-1, "usage: .use TABLE")
	}
	for _, t := range s.backend.TableInfos() {
		if t.Name == args[0] {
			s.table = args[0]
			if args[0] == engine.DefaultTable {
				s.table = ""
			}
			return Output{}, nil
		}
	}
	return Output{}, usageErr(-1, "no table %q (.tables lists them)", args[0])
}

func (s *Session) dotIndexes(_ context.Context, args []string, _ string) (Output, error) {
	name := s.table
	if len(args) > 0 {
		name = args[0]
	}
	if name == "" {
		name = engine.DefaultTable
	}
	return text("%s: no secondary indexes\n", name), nil
}

func (s *Session) dotFormat(_ context.Context, args []string, _ string) (Output, error) {
	if len(args) == 0 {
		return text("%s\n", s.Format), nil
	}
	f, err := ParseFormat(args[0])
	if err != nil {
		return Output{}, usageErr(-1, "%v", err)
	}
	s.Format = f
	return Output{}, nil
}

func (s *Session) dotInput(_ context.Context, args []string, _ string) (Output, error) {
	if len(args) == 0 {
		return text("%s\n", map[InputMode]string{InputJSON: "json", InputDDB: "ddb"}[s.Input]), nil
	}
	switch strings.ToLower(args[0]) {
	case "json":
		s.Input = InputJSON
	case "ddb":
		s.Input = InputDDB
	default:
		return Output{}, usageErr(-1, "expected .input json or .input ddb, got %q", args[0])
	}
	return Output{}, nil
}

func (s *Session) dotParam(_ context.Context, args []string, rest string) (Output, error) {
	if len(args) == 0 {
		return Output{}, usageErr(-1, "usage: .param set NAME VALUE | list | unset NAME | clear")
	}
	switch strings.ToLower(args[0]) {
	case "set":
		if len(args) < 2 {
			return Output{}, usageErr(-1, "usage: .param set :name VALUE, or .param set #name ATTRIBUTE")
		}
		// The value is everything after the name, as typed (JSON may hold
		// spaces).
		_, end := firstWord(rest, 0)
		name, end2 := firstWord(rest, end)
		return Output{}, s.setParam(name, rest[end2:])
	case "list":
		return Output{Text: s.params.list()}, nil
	case "unset":
		for _, n := range args[1:] {
			delete(s.params.values, n)
			delete(s.params.names, n)
		}
		return Output{}, nil
	case "clear":
		s.params = newParams()
		return Output{}, nil
	}
	return Output{}, usageErr(-1, "usage: .param set NAME VALUE | list | unset NAME | clear")
}

func (s *Session) dotRead(_ context.Context, args []string, _ string) (Output, error) {
	if len(args) != 1 {
		return Output{}, usageErr(-1, "usage: .read FILE")
	}
	if s.runFile == nil {
		return Output{}, usageErr(-1, ".read is not available here")
	}
	if s.readDepth >= 16 {
		return Output{}, usageErr(-1, ".read nested too deeply (16 levels): is a script reading itself?")
	}
	s.readDepth++
	defer func() { s.readDepth-- }()
	return Output{}, s.runFile(args[0])
}

func (s *Session) dotOutput(_ context.Context, args []string, _ string) (Output, error) {
	if err := s.Close(); err != nil {
		return Output{}, usageErr(-1, "closing the output file: %v", err)
	}
	if len(args) == 0 || args[0] == "stdout" {
		return Output{}, nil
	}
	f, err := os.Create(args[0])
	if err != nil {
		return Output{}, usageErr(-1, "%v", err)
	}
	s.out, s.outFile = f, f
	return Output{}, nil
}

func (s *Session) dotStats(_ context.Context, args []string, _ string) (Output, error) {
	if err := s.needAdmin(".stats"); err != nil {
		return Output{}, err
	}
	if len(args) == 2 && strings.EqualFold(args[0], "stripe") {
		n, err := strconv.Atoi(args[1])
		if err != nil {
			return Output{}, usageErr(-1, "usage: .stats stripe N")
		}
		d, err := s.admin.StripeDetail(n)
		if err != nil {
			return Output{}, err
		}
		return Output{Text: describeStripe(d)}, nil
	}
	if len(args) != 0 {
		return Output{}, usageErr(-1, "usage: .stats [stripe N]")
	}
	return Output{Text: s.admin.Stats().String()}, nil
}

func describeStripe(d engine.StripeDetail) string {
	var b strings.Builder
	fmt.Fprintf(&b, "stripe %d: memtable %d records (%d bytes), %d waiting to flush; %d SSTs, %d bytes\n",
		d.ID, d.MemtableRecords, d.MemtableBytes, d.ImmutableMemtables, d.SSTCount, d.SSTBytes)
	for _, t := range d.SSTs {
		fmt.Fprintf(&b, "  %s  %8d bytes  %6d entries  keys %s .. %s  bloom %d probes, %d negatives  age %s\n",
			t.File, t.Size, t.Entries, t.Smallest, t.Largest, t.BloomProbes, t.BloomNegatives, ageOf(t.Created))
	}
	for _, w := range d.WAL {
		active := ""
		if w.Active {
			active = " (active)"
		}
		fmt.Fprintf(&b, "  %s  %d bytes%s\n", w.File, w.Bytes, active)
	}
	return b.String()
}

func (s *Session) dotHealth(context.Context, []string, string) (Output, error) {
	if err := s.needAdmin(".health"); err != nil {
		return Output{}, err
	}
	return Output{Text: describeHealth(s.admin.Health())}, nil
}

func describeHealth(r engine.HealthReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", r.Status)
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "  error:   %s\n", e)
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "  warning: %s\n", w)
	}
	return b.String()
}

func (s *Session) dotFlush(context.Context, []string, string) (Output, error) {
	if err := s.needAdmin(".flush"); err != nil {
		return Output{}, err
	}
	return Output{}, s.admin.Flush()
}

func (s *Session) dotCompact(_ context.Context, args []string, _ string) (Output, error) {
	if err := s.needAdmin(".compact"); err != nil {
		return Output{}, err
	}
	switch {
	case len(args) == 0:
		return Output{}, s.admin.CompactAll()
	case len(args) == 2 && strings.EqualFold(args[0], "stripe"):
		n, err := strconv.Atoi(args[1])
		if err != nil {
			return Output{}, usageErr(-1, "usage: .compact [stripe N]")
		}
		return Output{}, s.admin.Compact(n)
	}
	return Output{}, usageErr(-1, "usage: .compact [stripe N]")
}

func (s *Session) dotDurability(_ context.Context, args []string, _ string) (Output, error) {
	if err := s.needAdmin(".durability"); err != nil {
		return Output{}, err
	}
	if len(args) == 0 {
		return text("%s\n", s.admin.Durability()), nil
	}
	switch strings.ToLower(args[0]) {
	case "sync":
		return Output{}, s.admin.SetDurability(engine.DurabilitySync)
	case "relaxed":
		return Output{}, s.admin.SetDurability(engine.DurabilityRelaxed)
	}
	return Output{}, usageErr(-1, "expected .durability sync or .durability relaxed")
}

func (s *Session) dotSync(context.Context, []string, string) (Output, error) {
	if err := s.needAdmin(".sync"); err != nil {
		return Output{}, err
	}
	return Output{}, s.admin.Sync()
}

func (s *Session) dotWidth(_ context.Context, args []string, _ string) (Output, error) {
	if len(args) != 1 {
		return text("%d\n", s.Width), nil
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 0 {
		return Output{}, usageErr(-1, "usage: .width N (0: no limit)")
	}
	s.Width = n
	return Output{}, nil
}
