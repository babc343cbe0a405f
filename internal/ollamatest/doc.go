// Package ollamatest runs a real Ollama server (v0.6.5) for tests, with tiny generated models.
//
// # A server shared by a test package
//
// A package whose tests talk to Ollama starts one server for all of them:
//
//	func TestMain(m *testing.M) { ollamatest.Main(m) }
//
//	func TestGenerate(t *testing.T) {
//		srv := ollamatest.Shared(t) // started, with the standard models, on first use
//		req := &api.GenerateRequest{Model: ollamatest.ModelQ4KM, Prompt: "Hello",
//			Options: map[string]any{"temperature": 0.8, "seed": 1, "num_predict": 128}}
//		err := srv.Client().Generate(ctx, req, func(r api.GenerateResponse) error { ... })
//		...
//	}
//
// srv.URL is the base URL for clients of other kinds, such as the OpenAI-compatible
// endpoints under srv.URL + "/v1".
//
// The shared server has its own temporary model store and the three standard models,
// [ModelF16], [ModelQ8] and [ModelQ4KM], all of [DefaultSpec]. [New] starts a server of the
// test's own (with no models: create them with [CreateModel]); [Server.Kill] ends a server
// abruptly, as a crash would. Servers listen on free loopback ports and share nothing, so test
// packages may run in parallel, each with its own servers. A server that outlives its test
// process (killed, or ended by a test timeout) is cleared away by the next start.
//
// # Finding the binary
//
// The binary is $PLAN_OLLAMA_BIN, else ${XDG_CACHE_HOME:-$HOME/.cache}/plan/ollama-v0.6.5/ollama,
// else `ollama` from PATH if it is v0.6.5. If there is none, [Shared] and [New] build it into
// the cache with `go install` (gcc and g++ needed; about three minutes on two cores), unless
// the tests run with -short; scripts/ensure-ollama.sh does the same from a shell.
//
// When no server can be provisioned, [Shared] and [New] skip the test with the reason, or
// fail it if the environment sets PLAN_REQUIRE_OLLAMA=1 (as CI should).
//
// # The generated models
//
// [Spec] describes a llama-architecture model with random weights and a 448-token
// byte-fallback vocabulary; [DefaultSpec] is 256 wide with 4 layers, 3.4 million parameters,
// 6.8 MB as F16, 3.7 MB as q8_0 and 2.2 MB as q4_K_M. Its output layer keeps the control and
// byte tokens, </s> included, far below the printable characters, so the models write
// printable ASCII and do not stop before num_predict. Created models run on one thread (see
// [Parameters]) and decode some 300 (F16), 500 (q4_K_M) and 800 (q8_0) tokens per second on
// one core of a 2-core AVX-512 machine, so a 128-token generation takes well under a second.
//
// Requests to benchmark them should set temperature 0.8 (Ollama's default), a fixed seed and
// num_predict (128 is plenty). Text is then the same for the same seed, model, prompt and
// server, except that a q4_K_M model answering several requests at once may differ from its
// answer to one request alone. At temperature 0 a random model soon repeats one token, and
// Ollama v0.6.5 aborts a generation after 31 equal tokens in a row: the stream then ends
// without a final chunk (no done=true, no eval_count), as it does when the server dies,
// and the Go client of github.com/ollama/ollama/api returns no error in either case.
package ollamatest
