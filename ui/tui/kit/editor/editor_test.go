package editor

import "testing"

func TestEditing(t *testing.T) {
	var in Editor
	in.Insert("hello world")
	in.DeleteWordBack()
	if in.Value() != "hello " {
		t.Fatalf("ctrl+w: %q", in.Value())
	}
	in.Insert("there\nsecond")
	in.Home()
	in.KillToEnd()
	if in.Value() != "hello there\n" {
		t.Fatalf("ctrl+k: %q", in.Value())
	}
	in.Backspace()
	in.WordLeft()
	in.KillToStart()
	if in.Value() != "there" || in.col != 0 {
		t.Fatalf("ctrl+u: %q at %d", in.Value(), in.col)
	}
	in.End()
	in.Delete() // at the very end: nothing
	in.Left()
	in.Delete()
	if in.Value() != "ther" {
		t.Fatalf("delete: %q", in.Value())
	}

	// Wrapping keeps a cell for the cursor after a full row.
	in.SetValue("abcd")
	rows, crow, ccell := in.rows(4)
	if len(rows) != 2 || crow != 1 || ccell != 0 {
		t.Fatalf("full row: %d rows, cursor at %d,%d", len(rows), crow, ccell)
	}
	in.SetValue("abcdefghij")
	in.Home()
	in.Right()
	in.Right()
	in.Right()
	in.Right()
	if rows, crow, ccell = in.rows(4); len(rows) != 3 || crow != 1 || ccell != 0 {
		t.Fatalf("cursor at the wrap: %d rows, cursor at %d,%d", len(rows), crow, ccell)
	}
	in.SetValue("日本語")
	if rows, _, _ = in.rows(4); len(rows) != 2 || rows[0].end != 2 {
		t.Fatalf("wide characters: %+v", rows)
	}
}
