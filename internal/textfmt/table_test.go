package textfmt

import (
	"bytes"
	"strings"
	"testing"
)

func TestMarkdownEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain name-1.2", "plain name-1.2"},
		{"<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"},
		{"a & b", "a &amp; b"},
		{"[x](y)", `\[x\](y)`},
		{"*a* _b_ ~c~ `d`", "\\*a\\* \\_b\\_ \\~c\\~ \\`d\\`"},
		{`back\slash`, `back\\slash`},
		{"a|b", `a\|b`},
		{"line\nbreak\r\nend", "line break end"},
		{"see https://example.com", `see https\://example.com`},
		{"p99 < 300ms", "p99 &lt; 300ms"},
	} {
		if got := MarkdownEscape(tc.in); got != tc.want {
			t.Errorf("MarkdownEscape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestStrongCells(t *testing.T) {
	tbl := Table{Header: []string{"a"}, Align: nil, Rows: [][]string{{Strong("x<y")}}}
	var md, txt bytes.Buffer
	tbl.Markdown = true
	if err := tbl.Write(&md); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "**x&lt;y**") {
		t.Errorf("markdown = %q, want the cell bold and escaped", md.String())
	}
	tbl.Markdown = false
	if err := tbl.Write(&txt); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(txt.String(), "x<y") || strings.Contains(txt.String(), "\x00") {
		t.Errorf("text = %q, want the cell plain", txt.String())
	}
}
