package ollamatest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// The Ollama releases the tests run against: the current release users
// run, and v0.6.5, the spring 2025 release many servers still are.
const (
	CurrentVersion = "0.17.4"
	LegacyVersion  = "0.6.5"
)

// Version is the Ollama release that the helper runs and builds:
// $PLAN_OLLAMA_VERSION (CurrentVersion or LegacyVersion), else
// LegacyVersion.
var Version = versionFromEnv()

func versionFromEnv() string {
	if v := os.Getenv("PLAN_OLLAMA_VERSION"); v != "" {
		return strings.TrimPrefix(v, "v")
	}
	return LegacyVersion
}

const ollamaModule = "github.com/ollama/ollama"

// ErrNoBinary means that no Ollama binary of the pinned version was found.
var ErrNoBinary = errors.New("no ollama binary of the pinned version")

// CachePath returns where the pinned Ollama binary is cached:
// ${XDG_CACHE_HOME:-$HOME/.cache}/plan/ollama-v0.6.5/ollama, as in scripts/ensure-ollama.sh.
func CachePath() (string, error) {
	dir := os.Getenv("XDG_CACHE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("locating the cache directory: %w", err)
		}
		dir = filepath.Join(home, ".cache")
	}
	return filepath.Join(dir, "plan", "ollama-v"+Version, "ollama"), nil
}

// FindBinary returns the path of an Ollama binary without building one: $PLAN_OLLAMA_BIN if
// set (it must be executable; its version is not checked), else the cached binary, else
// `ollama` from PATH, each of the last two only if it reports version 0.6.5.
func FindBinary(ctx context.Context) (string, error) {
	if bin := os.Getenv("PLAN_OLLAMA_BIN"); bin != "" {
		if !isExecutable(bin) {
			return "", fmt.Errorf("PLAN_OLLAMA_BIN=%s is not an executable file", bin)
		}
		return bin, nil
	}
	cached, err := CachePath()
	if err != nil {
		return "", err
	}
	if isPinned(ctx, cached) {
		return cached, nil
	}
	if bin, err := exec.LookPath("ollama"); err == nil && isPinned(ctx, bin) {
		return bin, nil
	}
	return "", fmt.Errorf("%w at %s, in PATH or in PLAN_OLLAMA_BIN (run scripts/ensure-ollama.sh)",
		ErrNoBinary, cached)
}

// EnsureBinary is FindBinary, but when no binary is found it builds the pinned version into
// the cache with `go install` (gcc and g++ needed; a few minutes on two cores). Concurrent
// builds, from other test processes or from scripts/ensure-ollama.sh, wait for each other.
func EnsureBinary(ctx context.Context) (string, error) {
	bin, err := FindBinary(ctx)
	if !errors.Is(err, ErrNoBinary) {
		return bin, err
	}
	cached, err := CachePath()
	if err != nil {
		return "", err
	}
	if err := build(ctx, cached); err != nil {
		return "", fmt.Errorf("building ollama v%s: %w", Version, err)
	}
	return cached, nil
}

// build installs the pinned version at target, under a lock, through a temporary directory so
// that an interrupted build leaves nothing behind.
func build(ctx context.Context, target string) error {
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	unlock, err := lockFile(ctx, filepath.Join(dir, ".lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if isPinned(ctx, target) {
		return nil // built by another process while this one waited
	}
	tmp, err := os.MkdirTemp(dir, "build.")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := goInstall(ctx, tmp); err != nil {
		return err
	}
	built := filepath.Join(tmp, "ollama")
	if !isPinned(ctx, built) {
		return fmt.Errorf("%s does not report version %s", built, Version)
	}
	return os.Rename(built, target)
}

func goInstall(ctx context.Context, gobin string) error {
	cmd := exec.CommandContext(ctx, "go", "install",
		"-ldflags", "-X "+ollamaModule+"/version.Version="+Version, ollamaModule+"@v"+Version)
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=", "GOWORK=off", "CGO_ENABLED=1")
	if inc, err := includeDir(); err == nil {
		// Current releases include a header their module does not ship
		// (see scripts/ollama-include); v0.6.5 does not look for it.
		cmd.Env = append(cmd.Env, "CGO_CPPFLAGS=-I"+inc)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go install: %w\n%s", err, lastLines(string(out), 30))
	}
	return nil
}

// includeDir is the folder of the stand-in headers a build of a current
// release needs, next to this package in the repository.
func includeDir() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("no source path")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "..", "scripts", "ollama-include")
	if _, err := os.Stat(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// isPinned reports whether bin runs and reports the pinned version. The probe points
// OLLAMA_HOST at a closed port, so that a running server cannot answer in its place.
func isPinned(ctx context.Context, bin string) bool {
	if !isExecutable(bin) {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--version")
	cmd.Env = append(os.Environ(), "OLLAMA_HOST=127.0.0.1:9")
	out, err := cmd.CombinedOutput()
	return err == nil && bytes.Contains(out, []byte("version is "+Version))
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
