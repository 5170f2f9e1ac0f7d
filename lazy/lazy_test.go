package lazy

import (
	"sync"
	"sync/atomic"
	"testing"
)

var (
	word   = NewRegexp(`^[a-z]+$`)
	builds atomic.Int32
	table  = New(func() map[string]int {
		builds.Add(1)
		return map[string]int{"a": 1}
	})
)

func TestRegexp(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{{"abc", true}, {"ab1", false}, {"", false}}
	for _, tt := range tests {
		if got := word.Get().MatchString(tt.in); got != tt.want {
			t.Errorf("match %q = %v, want %v", tt.in, got, tt.want)
		}
	}
	if word.Get() != word.Get() {
		t.Error("Get compiled the expression twice")
	}
	if word.String() != `^[a-z]+$` {
		t.Errorf("String = %q", word.String())
	}
}

func TestInvalidRegexpPanicsOnUse(t *testing.T) {
	bad := NewRegexp(`(`)
	defer func() {
		if recover() == nil {
			t.Error("an invalid expression did not panic on first use")
		}
	}()
	bad.Get()
}

// Many goroutines asking at once build the value exactly once.
func TestValueBuiltOnce(t *testing.T) {
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if table.Get()["a"] != 1 {
				t.Error("table lost its entry")
			}
		}()
	}
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("built %d times, want 1", n)
	}
}
