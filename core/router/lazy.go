package router

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles pattern on first use. Every macroa process routes at
// most a request or two, so compiling only the expressions a request
// actually reaches keeps start-up short.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}
