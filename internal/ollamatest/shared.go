package ollamatest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// SharedOptions are the settings of the shared server: two parallel requests per model (the
// machine has two cores or more), all three standard models loaded at once, and the server's
// default context length (2048) and keep-alive (5m).
func SharedOptions() Options {
	return Options{NumParallel: 2, MaxLoadedModels: 3}
}

// shared is the package's server, started by the first call to Shared.
var shared struct {
	mu      sync.Mutex
	enabled bool // Main is running the tests
	opts    Options
	tried   bool
	server  *Server
	err     error
}

// Main runs the tests of a package whose tests call Shared, then stops the shared server and
// exits. Call it from TestMain:
//
//	func TestMain(m *testing.M) { ollamatest.Main(m) }
func Main(m *testing.M) {
	MainWithOptions(m, SharedOptions())
}

// MainWithOptions is Main with other settings for the shared server.
func MainWithOptions(m *testing.M, opts Options) {
	os.Exit(runMain(m, opts))
}

func runMain(m *testing.M, opts Options) int {
	shared.mu.Lock()
	shared.enabled, shared.opts = true, opts
	shared.mu.Unlock()
	code := m.Run()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if s := shared.server; s != nil {
		if code != 0 {
			fmt.Fprintf(os.Stderr, "shared ollama server log (last lines):\n%s\n", s.LogTail(40))
		}
		s.Stop()
	}
	return code
}

// Shared returns the package's shared server, with the standard models created, starting it
// on first use. The package's TestMain must call Main. When the server cannot be provisioned,
// the test is skipped with the reason, or fails if PLAN_REQUIRE_OLLAMA=1.
func Shared(t testing.TB) *Server {
	t.Helper()
	s, err := sharedServer(t)
	if err != nil {
		unavailable(t, err)
	}
	logOnFailure(t, s)
	return s
}

func sharedServer(t testing.TB) (*Server, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.enabled {
		t.Fatal("ollamatest.Shared needs TestMain to call ollamatest.Main(m)")
	}
	if !shared.tried {
		shared.tried = true
		shared.server, shared.err = provision(t, shared.opts)
	}
	return shared.server, shared.err
}

// provision starts a server and creates the standard models on it.
func provision(t testing.TB, opts Options) (*Server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := startForTest(ctx, t, opts)
	if err != nil {
		return nil, err
	}
	if err := CreateStandardModels(ctx, s.Creator()); err != nil {
		err = fmt.Errorf("%w\nserver log (last lines):\n%s", err, s.LogTail(40))
		s.Stop()
		return nil, err
	}
	return s, nil
}

// New starts a server of its own for the test, without models, and stops it when the test
// ends. When the server cannot be started, the test is skipped with the reason, or fails if
// PLAN_REQUIRE_OLLAMA=1.
func New(t testing.TB, opts Options) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := startForTest(ctx, t, opts)
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(s.Stop)
	logOnFailure(t, s) // cleanups run last first: the log is read before Stop removes it
	return s
}

// startForTest finds the binary, building it unless the tests run with -short, and starts
// a server.
func startForTest(ctx context.Context, t testing.TB, opts Options) (*Server, error) {
	if opts.Binary == "" {
		find := EnsureBinary
		if testing.Short() {
			find = FindBinary
		}
		bin, err := find(ctx)
		if err != nil {
			return nil, err
		}
		opts.Binary = bin
	}
	start := time.Now()
	s, err := Start(ctx, opts)
	if err == nil {
		t.Logf("ollama %s serving at %s (started in %v)", s.Version, s.URL, time.Since(start).Round(time.Millisecond))
	}
	return s, err
}

// unavailable skips the test, or fails it if PLAN_REQUIRE_OLLAMA=1.
func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("PLAN_REQUIRE_OLLAMA") == "1" {
		t.Fatalf("ollama server required (PLAN_REQUIRE_OLLAMA=1) but unavailable: %v", err)
	}
	t.Skipf("skipping: ollama server unavailable (set PLAN_REQUIRE_OLLAMA=1 to fail instead): %v", err)
}

// logOnFailure logs the tail of the server log at the end of a failed test.
func logOnFailure(t testing.TB, s *Server) {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("ollama server log (last lines):\n%s", s.LogTail(40))
		}
	})
}
