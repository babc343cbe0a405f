package ollamatest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeOllama is a stand-in binary that reports version as `ollama --version` does.
func fakeOllama(version string) string {
	return "#!/bin/sh\necho 'Warning: could not connect to a running Ollama instance'\necho 'Warning: client version is " + version + "'\n"
}

// fakeGo is a stand-in for `go install` that writes a fake ollama of version into $GOBIN,
// or fails if version is empty. It needs no PATH.
func fakeGo(version string) string {
	if version == "" {
		return "#!/bin/sh\necho 'cgo: C compiler not found' >&2\nexit 2\n"
	}
	return "#!/bin/sh\n/bin/cat > \"$GOBIN/ollama\" <<'X'\n" + fakeOllama(version) + "X\n/bin/chmod +x \"$GOBIN/ollama\"\n"
}

func writeExecutable(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
}

// fakeEnvironment points the cache at a temporary directory and PATH at a directory holding
// a fake go (if goVersion is not "none"), and returns the cache path and the PATH directory.
func fakeEnvironment(t *testing.T, goVersion string) (cached, bin string) {
	dir := t.TempDir()
	bin = filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if goVersion != "none" {
		writeExecutable(t, filepath.Join(bin, "go"), fakeGo(goVersion))
	}
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	t.Setenv("PATH", bin)
	t.Setenv("PLAN_OLLAMA_BIN", "")
	cached, err := CachePath()
	if err != nil {
		t.Fatal(err)
	}
	return cached, bin
}

func TestFindBinary(t *testing.T) {
	ctx := context.Background()
	t.Run("environment", func(t *testing.T) {
		fakeEnvironment(t, "none")
		bin := filepath.Join(t.TempDir(), "my-ollama")
		writeExecutable(t, bin, fakeOllama("0.0.0"))
		t.Setenv("PLAN_OLLAMA_BIN", bin)
		if got, err := FindBinary(ctx); got != bin || err != nil {
			t.Errorf("FindBinary() = %q, %v; want %q", got, err, bin)
		}
		t.Setenv("PLAN_OLLAMA_BIN", bin+".missing")
		if _, err := FindBinary(ctx); err == nil || !strings.Contains(err.Error(), "PLAN_OLLAMA_BIN") {
			t.Errorf("FindBinary() with a missing PLAN_OLLAMA_BIN: %v; want an error naming it", err)
		}
	})
	t.Run("cache", func(t *testing.T) {
		cached, _ := fakeEnvironment(t, "none")
		writeExecutable(t, cached, fakeOllama(Version))
		if got, err := FindBinary(ctx); got != cached || err != nil {
			t.Errorf("FindBinary() = %q, %v; want %q", got, err, cached)
		}
	})
	t.Run("path", func(t *testing.T) {
		cached, bin := fakeEnvironment(t, "none")
		writeExecutable(t, cached, fakeOllama("0.0.0"))
		writeExecutable(t, filepath.Join(bin, "ollama"), fakeOllama(Version))
		if got, err := FindBinary(ctx); got != filepath.Join(bin, "ollama") || err != nil {
			t.Errorf("FindBinary() = %q, %v; want the one in PATH", got, err)
		}
	})
	t.Run("wrong versions", func(t *testing.T) {
		cached, bin := fakeEnvironment(t, "none")
		writeExecutable(t, cached, fakeOllama("0.0.0"))
		writeExecutable(t, filepath.Join(bin, "ollama"), fakeOllama("0.12.0"))
		if got, err := FindBinary(ctx); !errors.Is(err, ErrNoBinary) {
			t.Errorf("FindBinary() = %q, %v; want ErrNoBinary", got, err)
		}
	})
}

func TestEnsureBinaryBuilds(t *testing.T) {
	cached, _ := fakeEnvironment(t, Version)
	writeExecutable(t, cached, fakeOllama("0.0.0")) // stale: replaced
	got, err := EnsureBinary(context.Background())
	if got != cached || err != nil {
		t.Fatalf("EnsureBinary() = %q, %v; want %q", got, err, cached)
	}
	if !isPinned(context.Background(), cached) {
		t.Error("the cached binary is not the new build")
	}
	checkNoBuildDirs(t, cached)
}

func TestEnsureBinaryBuildFails(t *testing.T) {
	for _, goVersion := range []string{"", "0.0.0"} {
		cached, _ := fakeEnvironment(t, goVersion)
		_, err := EnsureBinary(context.Background())
		if err == nil || !strings.Contains(err.Error(), "building ollama") {
			t.Fatalf("EnsureBinary() with a failing build (go gives %q): %v; want a build error", goVersion, err)
		}
		t.Logf("go gives %q: %v", goVersion, err)
		if _, err := os.Stat(cached); !os.IsNotExist(err) {
			t.Errorf("after a failed build, %s: %v; want no file", cached, err)
		}
		checkNoBuildDirs(t, cached)
	}
}

func checkNoBuildDirs(t *testing.T, cached string) {
	t.Helper()
	if dirs, _ := filepath.Glob(filepath.Join(filepath.Dir(cached), "build.*")); len(dirs) > 0 {
		t.Errorf("build directories left behind: %v", dirs)
	}
}

// TestEnsureScript runs scripts/ensure-ollama.sh against fake binaries.
func TestEnsureScript(t *testing.T) {
	script, err := filepath.Abs("../../scripts/ensure-ollama.sh")
	if err != nil {
		t.Fatal(err)
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	tools := os.Getenv("PATH")
	run := func(t *testing.T, bin string) (string, error) {
		cmd := exec.Command(bash, script)
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+tools)
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err
	}
	t.Run("builds", func(t *testing.T) {
		cached, bin := fakeEnvironment(t, Version)
		if got, err := run(t, bin); got != cached || err != nil {
			t.Errorf("ensure-ollama.sh printed %q, %v; want %q", got, err, cached)
		}
		if !isPinned(context.Background(), cached) {
			t.Error("the script did not build the binary")
		}
		checkNoBuildDirs(t, cached)
	})
	t.Run("failed build", func(t *testing.T) {
		cached, bin := fakeEnvironment(t, "")
		if got, err := run(t, bin); err == nil {
			t.Errorf("ensure-ollama.sh printed %q and succeeded; want a failure", got)
		}
		if _, err := os.Stat(cached); !os.IsNotExist(err) {
			t.Errorf("after a failed build, %s: %v; want no file", cached, err)
		}
		checkNoBuildDirs(t, cached)
	})
	t.Run("environment", func(t *testing.T) {
		_, bin := fakeEnvironment(t, "")
		mine := filepath.Join(t.TempDir(), "ollama")
		writeExecutable(t, mine, fakeOllama("0.0.0"))
		t.Setenv("PLAN_OLLAMA_BIN", mine)
		if got, err := run(t, bin); got != mine || err != nil {
			t.Errorf("ensure-ollama.sh printed %q, %v; want %q", got, err, mine)
		}
		t.Setenv("PLAN_OLLAMA_BIN", mine+".missing")
		if got, err := run(t, bin); err == nil {
			t.Errorf("ensure-ollama.sh printed %q with a missing PLAN_OLLAMA_BIN; want a failure", got)
		}
	})
}
