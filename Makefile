# The one test command: formatting, vet, staticcheck and the race-enabled tests,
# none of them timing-sensitive (those are in make validate),
# including the integration tests against a real Ollama server that
# scripts/ensure-ollama.sh builds (once, then cached) from the Go module proxy:
# v0.6.5 and the current release.
GO ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
PKGS = ./...
# The current Ollama release, which the integration tests run against as well
# as v0.6.5 (scripts/ensure-ollama.sh builds both), and those tests.
OLLAMA_CURRENT = 0.17.4
CURRENT_ENV = PLAN_REQUIRE_OLLAMA=1 PLAN_OLLAMA_VERSION=$(OLLAMA_CURRENT) PLAN_OLLAMA_BIN="$$(./scripts/ensure-ollama.sh $(OLLAMA_CURRENT))"
CURRENT_TESTS = ^(TestBenchmark|TestRecommendInstalled|TestReportOllamaVersion)

.PHONY: test validate check build deps ollama bench

test: deps check ollama
	PLAN_REQUIRE_OLLAMA=1 PLAN_OLLAMA_BIN="$$(./scripts/ensure-ollama.sh)" $(GO) test -race -count=1 -timeout 30m $(PKGS)
	# The integration tests of the benchmark, the calibration, the memory fit
	# and the installed models again, against the current Ollama release.
	$(CURRENT_ENV) $(GO) test -race -count=1 -timeout 30m ./planner ./hwprofile/... ./internal/ollamatest
	$(CURRENT_ENV) $(GO) test -race -count=1 -timeout 30m -run '$(CURRENT_TESTS)' ./cmd/plan

# Accuracy checks that time real runs, kept out of make test so that it passes
# on a machine doing other work: the simulator against a live server and the
# calibration's held-out error. Each test prints its figures beside their
# targets. Run it on a quiet machine; .ci/run runs it after make test.
validate: deps ollama
	# The simulator against a real server: timed live loads, so it runs alone,
	# with no other package's tests on the cores, and without -race, which
	# would slow the client that keeps the arrival times.
	# The calibration's tests fit timed runs too; -p 1 runs the packages one
	# after the other.
	PLAN_REALITY=1 PLAN_REQUIRE_OLLAMA=1 PLAN_OLLAMA_BIN="$$(./scripts/ensure-ollama.sh)" $(GO) test -p 1 -count=1 -timeout 20m -run '^(TestSimulateAgainstReality|TestBenchmarkCalibrate|TestCalibrationPredictsHeldOut)$$' -v ./cmd/plan ./hwprofile/calibrate

check:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run $(STATICCHECK) $(PKGS)

deps:
	./scripts/install-deps.sh
	$(GO) mod download

ollama:
	./scripts/ensure-ollama.sh
	./scripts/ensure-ollama.sh $(OLLAMA_CURRENT)

build:
	$(GO) build -o bin/plan ./cmd/plan

# Speed figures: the per-token stream cost, profile detection time, pricing
# and usage-export throughput, plan report on per-request exports from a
# month to a year, simulated requests per second, the
# throughput model's error on published llama.cpp measurements, and two
# back-to-back benchmarks of a generated model on a real server.
bench: ollama
	$(GO) test -run '^$$' -bench . -benchtime 200x ./hwprofile/backend ./hwprofile
	$(GO) test -run '^$$' -bench . ./pricing
	$(GO) test -run '^$$' -bench Simulate -cpu 1 ./simulate
	$(GO) run ./scripts/usage-throughput
	$(GO) run ./scripts/report-scale
	$(GO) run ./scripts/throughput-check
	PLAN_OLLAMA_BIN="$$(./scripts/ensure-ollama.sh)" ./scripts/bench-agreement.sh
