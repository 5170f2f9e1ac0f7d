package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/redact"
)

// openLog opens the log file in the data dir (0600: it may name sessions
// and inputs) and returns a logger writing to it. Every message and value is
// redacted on its way in (known: the configured secret values). The TUI
// never logs to the terminal.
func openLog(path string, known ...string) (*slog.Logger, io.Closer, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("create the log directory: %w", err)
	}
	// O_NOFOLLOW: a link planted at the log's path must not be appended
	// to.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND|openNoFollow, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open the log file: %w", err)
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelInfo, ReplaceAttr: redactAttr(known)})), f, nil
}

// redactAttr removes secrets from every string and error a log line holds.
func redactAttr(known []string) func([]string, slog.Attr) slog.Attr {
	return func(_ []string, a slog.Attr) slog.Attr {
		switch v := a.Value.Resolve(); v.Kind() {
		case slog.KindString:
			a.Value = slog.StringValue(redact.String(v.String(), known...))
		case slog.KindAny:
			if err, ok := v.Any().(error); ok {
				a.Value = slog.StringValue(redact.String(err.Error(), known...))
			} else if s, ok := v.Any().(fmt.Stringer); ok {
				a.Value = slog.StringValue(redact.String(s.String(), known...))
			}
		}
		return a
	}
}

func newLogsCmd(a *app.App) *cobra.Command {
	var follow bool
	var lines int
	cmd := &cobra.Command{
		Use:   "logs",
		Short: "Show Macroa's log file (-f to follow it)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			f, err := os.Open(cfg.LogPath)
			if errors.Is(err, os.ErrNotExist) {
				fmt.Fprintf(cmd.OutOrStdout(), "No log yet (%s is written by `macroa tui` and `macroa daemon`).\n", cfg.LogPath)
				return nil
			}
			if err != nil {
				return failErr("open the log: %v", err)
			}
			defer f.Close()
			if err := printTail(cmd.OutOrStdout(), f, lines); err != nil {
				return failErr("read the log: %v", err)
			}
			if !follow {
				return nil
			}
			return followFile(cmd.Context(), cmd.OutOrStdout(), f)
		},
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new lines as they are written")
	cmd.Flags().IntVarP(&lines, "lines", "n", 100, "how many of the last lines to show first")
	return cmd
}

// printTail prints the last n lines of f and leaves f at its end.
func printTail(w io.Writer, f *os.File, n int) error {
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	start := len(data)
	for count := 0; start > 0; {
		start--
		if data[start] == '\n' && start != len(data)-1 {
			count++
			if count == n {
				start++
				break
			}
		}
	}
	_, err = w.Write(data[start:])
	return err
}

// followFile copies what is appended to f until ctx ends (ctrl+c).
func followFile(ctx context.Context, w io.Writer, f *os.File) error {
	buf := make([]byte, 32*1024)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(200 * time.Millisecond):
		}
	}
}
