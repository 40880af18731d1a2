package replinput

import (
	"strings"
	"testing"

	"github.com/keystonedb/kstone-shell/shell"
	"github.com/keystonedb/kstone-shell/themes"
)

func BenchmarkView(b *testing.B) {
	m := New(themes.NewStyles(themes.Dark, false), Options{})
	m.SetSize(120, 8)
	m.SetValue(goldenStatement)
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkKeystroke(b *testing.B) {
	m := New(themes.NewStyles(themes.Dark, false), Options{})
	m.SetSize(120, 8)
	m.SetValue(goldenStatement)
	for b.Loop() {
		m = typeText(m, "x")
		m, _ = keys(m, "backspace")
	}
}

func BenchmarkCheckSyntax(b *testing.B) {
	for b.Loop() {
		_ = shell.CheckSyntax(goldenStatement)
	}
}

func BenchmarkCheckSyntaxLarge(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("update user#1 SET ")
	for i := range 200 {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("attr" + itoa(i) + " = attr" + itoa(i) + " + :inc")
	}
	text := sb.String()
	b.Logf("%d bytes", len(text))
	for b.Loop() {
		_ = shell.CheckSyntax(text)
	}
}

func BenchmarkCheckSyntaxBigPut(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`put {"pk": "a"`)
	for i := range 5000 {
		sb.WriteString(`, "attr` + itoa(i) + `": "some value here"`)
	}
	sb.WriteString(`} if attribute_not_exists(pk)`)
	text := sb.String()
	b.Logf("%d bytes", len(text))
	for b.Loop() {
		_ = shell.CheckSyntax(text)
	}
}
