// Package lazy holds package-level values that are built on first use, so
// that starting the binary compiles, allocates and builds nothing for them:
// a command pays only for the patterns and tables it touches.
package lazy

import (
	"regexp"
	"sync"
)

// Regexp is a regular expression compiled the first time it is used.
// Declare it at package level with NewRegexp; an invalid expression
// panics on first use, as regexp.MustCompile would at init (a test that
// reaches the pattern finds it).
type Regexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

// NewRegexp returns expr, to be compiled on first use. It does no work:
// a package-level declaration is laid out by the linker, not at init.
func NewRegexp(expr string) *Regexp { return &Regexp{expr: expr} }

// Get returns the compiled expression, compiling it on the first call.
// It is safe for concurrent use.
func (r *Regexp) Get() *regexp.Regexp {
	r.once.Do(func() { r.re = regexp.MustCompile(r.expr) })
	return r.re
}

// String returns the source text of the expression without compiling it.
func (r *Regexp) String() string { return r.expr }

// Value is a value built by a function the first time it is needed.
// Declare it at package level with New and a function literal that
// captures nothing.
type Value[T any] struct {
	build func() T
	once  sync.Once
	v     T
}

// New returns a Value that build makes on first use.
func New[T any](build func() T) *Value[T] { return &Value[T]{build: build} }

// Get returns the value, building it on the first call. It is safe for
// concurrent use.
func (l *Value[T]) Get() T {
	l.once.Do(func() { l.v = l.build() })
	return l.v
}
