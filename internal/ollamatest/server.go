package ollamatest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/plan-cli/plan/hwprofile/backend"
	"github.com/plan-cli/plan/hwprofile/gguf"
)

// Options configure a server. The zero value runs the server with its own defaults.
type Options struct {
	Binary          string        // the Ollama executable; empty: FindBinary
	NumParallel     int           // OLLAMA_NUM_PARALLEL; 0: server default (4 on CPU when it fits, else 1)
	MaxLoadedModels int           // OLLAMA_MAX_LOADED_MODELS; 0: server default (3 on CPU)
	KeepAlive       string        // OLLAMA_KEEP_ALIVE, such as "5m" or "-1"; empty: server default (5m)
	ContextLength   int           // OLLAMA_CONTEXT_LENGTH, the default num_ctx; 0: server default (2048)
	FlashAttention  bool          // OLLAMA_FLASH_ATTENTION
	Debug           bool          // OLLAMA_DEBUG: verbose server log
	Env             []string      // further KEY=value entries for the server's environment, applied last
	StartTimeout    time.Duration // how long to wait for the server to answer; 0: 30s
}

// Server is a running Ollama server with its own temporary model store.
type Server struct {
	URL     string // base URL, such as http://127.0.0.1:40123
	Version string // as reported by /api/version

	dir     string // temporary directory: model store, home and log
	cmd     *exec.Cmd
	exited  chan struct{} // closed once the process has exited
	waitErr error         // the process's exit status, set before exited is closed
	stop    sync.Once
}

// errPortTaken means that another process took the chosen port before the server bound it.
var errPortTaken = errors.New("port taken")

// Start starts a server on a free loopback port and waits until it answers. The server keeps
// running after ctx is done; call Stop to end it.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if err := checkPlatform(); err != nil {
		return nil, err
	}
	if opts.Binary == "" {
		bin, err := FindBinary(ctx)
		if err != nil {
			return nil, err
		}
		opts.Binary = bin
	}
	for attempt := 1; ; attempt++ {
		s, err := start(ctx, opts)
		if !errors.Is(err, errPortTaken) {
			return s, err
		}
		if attempt == 3 {
			return nil, fmt.Errorf("starting ollama server: three free ports taken by others: %w", err)
		}
	}
}

func start(ctx context.Context, opts Options) (*Server, error) {
	sweepStale()
	dir, err := os.MkdirTemp("", "ollamatest-")
	if err != nil {
		return nil, fmt.Errorf("creating server directory: %w", err)
	}
	if err := writeOwner(dir); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("creating server directory: %w", err)
	}
	s, err := launch(dir, opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.waitReady(ctx, opts.StartTimeout); err != nil {
		tail := s.LogTail(40)
		s.Stop()
		if errors.Is(err, errPortTaken) {
			return nil, err
		}
		return nil, fmt.Errorf("starting ollama server: %w\nserver log (last lines):\n%s", err, tail)
	}
	return s, nil
}

// launch starts the server process in dir.
func launch(dir string, opts Options) (*Server, error) {
	home, models := filepath.Join(dir, "home"), filepath.Join(dir, "models")
	for _, d := range []string{home, models} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return nil, fmt.Errorf("creating server directory: %w", err)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, fmt.Errorf("creating server log: %w", err)
	}
	defer log.Close() // the child keeps its own descriptor
	host := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(opts.Binary, "serve")
	cmd.Dir = dir
	cmd.Env = serverEnv(opts, host, home, models)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", opts.Binary, err)
	}
	s := &Server{URL: "http://" + host, dir: dir, cmd: cmd, exited: make(chan struct{})}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

// serverEnv returns the environment of this process without its Ollama settings and HOME,
// plus the server's own settings.
func serverEnv(opts Options, host, home, models string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OLLAMA_") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+home, "OLLAMA_HOST="+host, "OLLAMA_MODELS="+models)
	set := func(name string, value string) {
		if value != "" && value != "0" {
			env = append(env, name+"="+value)
		}
	}
	set("OLLAMA_NUM_PARALLEL", strconv.Itoa(opts.NumParallel))
	set("OLLAMA_MAX_LOADED_MODELS", strconv.Itoa(opts.MaxLoadedModels))
	set("OLLAMA_KEEP_ALIVE", opts.KeepAlive)
	set("OLLAMA_CONTEXT_LENGTH", strconv.Itoa(opts.ContextLength))
	if opts.FlashAttention {
		set("OLLAMA_FLASH_ATTENTION", "1")
	}
	if opts.Debug {
		set("OLLAMA_DEBUG", "1")
	}
	return append(env, opts.Env...)
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls /api/version until the server answers, exits, or the timeout passes.
func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.exited:
			if strings.Contains(s.LogTail(20), "address already in use") {
				return errPortTaken
			}
			return fmt.Errorf("server exited: %v", s.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("server did not answer at %s: %w", s.URL, ctx.Err())
		case <-tick.C:
			if v, err := s.version(ctx); err == nil {
				s.Version = v
				return nil
			}
		}
	}
}

func (s *Server) version(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/version", nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var body struct{ Version string }
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET /api/version: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return "", fmt.Errorf("GET /api/version: %w", err)
	}
	return body.Version, nil
}

// Creator returns what creates models on the server, as plan does.
func (s *Server) Creator() gguf.Creator {
	u, _ := url.Parse(s.URL) // URL is always well formed
	return backend.NewOllama(u, &http.Client{})
}

// Client returns an API client for the server.
func (s *Server) Client() *api.Client {
	u, _ := url.Parse(s.URL) // URL is always well formed
	return api.NewClient(u, &http.Client{})
}

// LogPath returns the path of the server's log file. It is removed by Stop.
func (s *Server) LogPath() string { return filepath.Join(s.dir, "server.log") }

// LogTail returns the last n lines of the server log, or a note saying why it cannot.
func (s *Server) LogTail(n int) string {
	b, err := os.ReadFile(s.LogPath())
	if err != nil {
		return fmt.Sprintf("(no server log: %v)", err)
	}
	return lastLines(string(b), n)
}

// Kill ends the server and its model runners at once with SIGKILL, as a crash would, and
// waits for the server process to exit. The model store stays until Stop.
func (s *Server) Kill() {
	_ = signalGroup(s.cmd.Process.Pid, sigKill)
	<-s.exited
}

// Stop shuts the server down (SIGTERM, then SIGKILL after 10 seconds), ends any model runner
// left behind and removes the server's temporary directory. It may be called more than once.
func (s *Server) Stop() {
	s.stop.Do(func() {
		pid := s.cmd.Process.Pid
		_ = signalGroup(pid, sigTerm)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			_ = signalGroup(pid, sigKill)
			<-s.exited
		}
		_ = signalGroup(pid, sigKill) // runners outliving the server
		os.RemoveAll(s.dir)
	})
}

// Exited reports whether the server process has exited.
func (s *Server) Exited() bool {
	select {
	case <-s.exited:
		return true
	default:
		return false
	}
}
