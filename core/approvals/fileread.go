package approvals

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"syscall"

	"github.com/macroa/macroa/core/actions"
	"github.com/macroa/macroa/hosts"
	"github.com/macroa/macroa/store"
)

// runFileRead reads the approved file inside Macroa, never through a
// program that follows links: the path is opened one directory at a time
// without following a link anywhere (openFile), so a file swapped for a
// link to a key after the person approved the read is refused, naming
// where the link leads, instead of read. A FIFO, a device or a file with
// more than one name is refused too.
func (x *executor) runFileRead(ctx context.Context, id store.ApprovalID, a actions.Action, out *outputLog) outcome {
	r, ok := a.Params.(actions.Read)
	if !ok {
		return outcome{exitCode: -1, err: "the read action has no path"}
	}
	f, _, err := openFile(r.Path, syscall.O_RDONLY, 0)
	if err != nil {
		return outcome{exitCode: 1, err: err.Error()}
	}
	defer f.Close()
	x.began(id)
	br := bufio.NewReader(io.LimitReader(f, store.MaxApprovalOutput+1))
	n := 0
	for ctx.Err() == nil {
		line, err := br.ReadString('\n')
		n += len(line)
		if line != "" {
			out.line(hosts.Line{Stream: hosts.Stdout, Text: line})
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return outcome{exitCode: 1, err: fmt.Sprintf("read %s: %v", r.Path, err)}
		}
	}
	if ctx.Err() != nil {
		return outcome{exitCode: 1, err: "the read was cancelled"}
	}
	if n > store.MaxApprovalOutput {
		out.note(fmt.Sprintf("[%s is longer than %d KiB; the rest was not read]", r.Path, store.MaxApprovalOutput>>10))
	}
	return outcome{ok: true}
}
