package termsafe

import (
	"io"
	"sync"
)

// Writer cleans everything written through it before passing it on. It
// keeps the sanitiser's state between writes, so a sequence split over two
// chunks of a stream (a model's answer arrives in pieces) is still removed
// whole. It is safe for concurrent use.
type Writer struct {
	mu  sync.Mutex
	w   io.Writer
	f   filter
	buf []byte
}

// NewWriter returns a Writer that cleans what it passes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write cleans p and writes the result. It reports len(p) written unless
// the underlying writer fails.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = w.f.write(w.buf[:0], p)
	if err := w.out(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// WriteString is Write for a string.
func (w *Writer) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// Flush ends the current stream: a character cut short is written as
// U+FFFD and an unfinished escape sequence is forgotten, so what is written
// next (the next answer, a message) cannot be swallowed by it.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = w.f.flush(w.buf[:0])
	return w.out()
}

func (w *Writer) out() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.w.Write(w.buf)
	return err
}
