package hwprofile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// Runner runs an external program and returns what it wrote to standard
// output. When the program is not installed, the error wraps exec.ErrNotFound.
// When it ran but failed, the output it produced is still returned with the
// error, since tools like sysctl print the values they know and fail on the rest.
type Runner func(ctx context.Context, name string, args ...string) ([]byte, error)

// ExecRunner runs programs found in PATH. The error of a program that fails
// carries the first line of its standard error; callers add the program name.
func ExecRunner(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err == nil {
		return stdout.Bytes(), nil
	}
	if msg := firstLine(stderr.String()); msg != "" {
		err = fmt.Errorf("%w: %s", err, msg)
	}
	return stdout.Bytes(), err
}

// notInstalled reports whether err says the program could not be found.
func notInstalled(err error) bool {
	return errors.Is(err, exec.ErrNotFound)
}

// toolProblem describes why a tool gave nothing, for a note.
func toolProblem(name string, err error) string {
	if notInstalled(err) {
		return name + " not in PATH"
	}
	return fmt.Sprintf("%s failed: %v", name, err)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
