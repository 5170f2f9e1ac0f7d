package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/macroa/macroa/core/app"
	"github.com/macroa/macroa/termsafe"
)

func newDaemonInstallCmd(a *app.App) *cobra.Command {
	var userUnit, force, printOnly, yes bool
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Write a hardened systemd unit that runs the daemon, and say how to enable it",
		Long: `Write a systemd unit running this binary's daemon: for you with --user
(~/.config/systemd/user/macroa.service, no root needed), else for the system
(/etc/systemd/system/macroa.service, run with sudo). Nothing is enabled or
started: the commands to do it are printed.

The unit is hardened: NoNewPrivileges (sudo in a task fails), the system
read-only but for the data directory and your home directory, its own
/tmp, MemoryMax=` + unitMemoryMax + ` and CPUQuota=` + unitCPUQuota + ` shared with the tasks it runs, and
a restart on failure. An existing unit that differs is kept unless --force.

As root without --user it asks before writing the system unit; without a
terminal to ask on, it needs --yes (exit 2 otherwise).`,
		Example: `  macroa daemon install --user
  sudo macroa daemon install`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := loadConfig(a)
			if err != nil {
				return err
			}
			exe, err := executable()
			if err != nil {
				return failErr("%v", err)
			}
			spec := unitSpec{User: userUnit, Exe: exe}
			if os.Getenv("MACROA_HOME") != "" {
				spec.DataHome = cfg.Home
			}
			home, _ := os.UserHomeDir()
			logDir := filepath.Dir(cfg.LogPath)
			dir := systemUnitDir
			if userUnit {
				if dir, err = userUnitDir(); err != nil {
					return failErr("%v", err)
				}
			} else {
				// A system unit runs as the person installing it (through
				// sudo: the one who called sudo), never as root by default.
				u, err := runAsUser()
				if err != nil {
					return failErr("%v", err)
				}
				spec.RunAs, home = u.Username, u.HomeDir
				if u.Uid != fmt.Sprint(os.Getuid()) && spec.DataHome == "" {
					// Another person's daemon keeps its log in its own data dir.
					spec.DataHome, logDir = filepath.Join(u.HomeDir, ".macroa"), ""
				} else {
					spec.DataHome = cfg.Home
				}
			}
			data := cfg.Home
			if spec.DataHome != "" {
				data = spec.DataHome
			}
			spec.Writable = writablePaths(data, home, logDir)
			if userUnit && !printOnly {
				// ProtectSystem=strict lets the daemon write only where it
				// already may: the data dir must exist before it starts.
				if err := os.MkdirAll(data, 0o700); err != nil {
					return failErr("create the data directory: %v", err)
				}
			}
			text, err := renderUnit(spec)
			if err != nil {
				return failErr("write the unit: %v", err)
			}
			out := cmd.OutOrStdout()
			if printOnly {
				_, err := io.WriteString(out, text)
				return err
			}
			u := unitFile{Path: filepath.Join(dir, unitName), Scope: "system"}
			if userUnit {
				u.Scope = "user"
			}
			// The warnings come before anything is written, so a person
			// can still say no.
			if tmp := os.TempDir(); within(exe, tmp) {
				fmt.Fprintf(out, "Warning: %s is under %s, which the unit's PrivateTmp hides and which may be emptied: install macroa somewhere lasting and run this again.\n", exe, tmp)
			}
			if spec.RunAs == "root" {
				fmt.Fprintln(out, "Warning: it runs as root, so every task does too; rather install it for the person it works for: macroa daemon install --user (or sudo from their account).")
			}
			if !userUnit && os.Geteuid() == 0 && !yes {
				if err := confirmSystemInstall(cmd.InOrStdin(), out, u.Path); err != nil {
					return err
				}
			}
			changed, err := writeUnit(u.Path, text, force, printHint(userUnit))
			if err != nil {
				return err
			}
			if changed {
				fmt.Fprintf(out, "Wrote %s.\n", u.Path)
			} else {
				fmt.Fprintf(out, "%s is installed already, unchanged.\n", u.Path)
			}
			verifyUnit(cmd.Context(), out, u)
			fmt.Fprintf(out, "Enable and start it:\n  %s\n", u.enableCommand())
			if userUnit {
				login := "$USER"
				if me, err := user.Current(); err == nil {
					login = me.Username
				}
				fmt.Fprintf(out, "Keep it running when you are not logged in:\n  loginctl enable-linger %s\n", login)
			}
			fmt.Fprintln(out, "Then: macroa daemon status; its log: macroa logs -f")
			return nil
		},
	}
	cmd.Flags().BoolVar(&userUnit, "user", false, "install for you (systemctl --user) instead of for the system")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing unit that differs")
	cmd.Flags().BoolVar(&printOnly, "print", false, "print the unit instead of writing it")
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "as root, write the system unit without asking")
	return cmd
}

// confirmSystemInstall asks root before a unit for the whole system is
// written: on the terminal, else it is a usage error naming --yes.
func confirmSystemInstall(in io.Reader, out io.Writer, path string) error {
	if !term.IsTerminal(os.Stdin.Fd()) {
		return usageErr("as root without --user this writes %s for the whole system; nothing was written. Write it with: macroa daemon install --yes (or install it for one person: macroa daemon install --user)", path)
	}
	ok, err := confirm(in, out, fmt.Sprintf("Write %s for the whole system? [y/N] ", path))
	if err != nil {
		return failErr("read the answer: %v", err)
	}
	if !ok {
		return failErr("nothing was written")
	}
	return nil
}

// runAsUser is who a system unit runs as: the person who called sudo, or
// the one running this.
func runAsUser() (*user.User, error) {
	if name := os.Getenv("SUDO_USER"); name != "" && name != "root" {
		if u, err := user.Lookup(name); err == nil {
			return u, nil
		}
	}
	u, err := user.Current()
	if err != nil {
		return nil, fmt.Errorf("find the current user: %w", err)
	}
	return u, nil
}

// printHint is the command that prints the unit install would write.
func printHint(userUnit bool) string {
	if userUnit {
		return "macroa daemon install --user --print"
	}
	return "macroa daemon install --print"
}

// writeUnit writes text to path unless a different unit is there and
// force is false; changed is false when the same text was there. hint
// names the command that prints the new unit, to compare.
func writeUnit(path, text string, force bool, hint string) (changed bool, err error) {
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, []byte(text)):
		return false, nil
	case err == nil && !force:
		return false, failErr("%s exists and differs from the unit this would write (see it: %s); replace it with --force", path, hint)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return false, unitWriteErr(path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, unitWriteErr(path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".macroa.service.*")
	if err != nil {
		return false, unitWriteErr(path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(text); err != nil {
		tmp.Close()
		return false, unitWriteErr(path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return false, unitWriteErr(path, err)
	}
	if err := tmp.Close(); err != nil {
		return false, unitWriteErr(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return false, unitWriteErr(path, err)
	}
	return true, nil
}

// unitWriteErr says why the unit could not be written, and what to do
// when it is a matter of permission.
func unitWriteErr(path string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return failErr("cannot write %s: permission denied; install it for yourself with --user, or for the system with sudo", path)
	}
	return failErr("write %s: %v", path, err)
}

// verifyUnit checks the unit with systemd-analyze verify where it exists,
// and says what it found; a finding is a warning, not a failure. It runs
// in system mode even for a user unit: that checks the same syntax and
// needs no user manager running (an SSH session, a container).
func verifyUnit(ctx context.Context, out io.Writer, u unitFile) {
	msg, err := analyzeUnit(ctx, u.Path)
	switch {
	case errors.Is(err, exec.ErrNotFound):
		fmt.Fprintln(out, "systemd-analyze is not installed: the unit was not verified.")
	case err != nil && msg == "":
		fmt.Fprintf(out, "systemd-analyze could not verify the unit here: %v\n", err)
	case msg != "":
		fmt.Fprintf(out, "systemd-analyze verify says (the unit is kept):\n  %s\n", strings.ReplaceAll(msg, "\n", "\n  "))
	default:
		fmt.Fprintln(out, "systemd-analyze verify: no problems found.")
	}
}

// analyzeUnit runs systemd-analyze verify on path and returns what it
// printed, cleaned; exec.ErrNotFound when it is not installed.
func analyzeUnit(ctx context.Context, path string) (string, error) {
	bin, err := exec.LookPath("systemd-analyze")
	if err != nil {
		return "", exec.ErrNotFound
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	msg, err := exec.CommandContext(ctx, bin, "verify", path).CombinedOutput()
	return strings.TrimSpace(termsafe.Clean(string(msg))), err
}
