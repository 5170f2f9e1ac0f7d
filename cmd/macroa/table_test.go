package main

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestTableAlignsInCells(t *testing.T) {
	tb := newTable("KEY", "VALUE", "N").alignRight(2)
	tb.row("cjk", "日本語", "1")
	tb.row("ff", "a\xffb", "22")
	tb.row("esc", "\x1b[31mred\x1b[0m\x1b]0;t\a", "333")
	tb.row("tabs", "a\tb\nc", "4")
	tb.row("combining", "e\u0301\u0301", "5")
	var b strings.Builder
	if err := tb.write(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	for _, l := range lines {
		if w := ansi.StringWidth(l); w != ansi.StringWidth(lines[0]) {
			t.Errorf("row %q is %d cells, the header %d:\n%s", l, w, ansi.StringWidth(lines[0]), b.String())
		}
		if strings.ContainsAny(l, "\t\x1b\a") || strings.IndexByte(l, 0xff) >= 0 {
			t.Errorf("row %q holds a tab, an escape or 0xff", l)
		}
	}
	if !strings.Contains(b.String(), "a b c") || !strings.Contains(b.String(), "a\uFFFDb") {
		t.Errorf("cells not folded and cleaned:\n%s", b.String())
	}
}

func TestCleanJSONKeepsLayout(t *testing.T) {
	got, err := cleanJSON([]byte(`{"z<&>":"a\u001b[2Jb\u009b1m","a":["\r\nx",1,true,null,"é \"q\" \\"]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"z<&>":"ab","a":["\nx",1,true,null,"é \"q\" \\"]}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
