#!/usr/bin/env bash
# ensure-ollama.sh [VERSION] prints the path of an Ollama binary of VERSION (default 0.6.5; the
# tests also run against 0.17.4, the current release), building it first if needed.
#
# Lookup order:
#   1. $PLAN_OLLAMA_BIN, if set and no VERSION is given (it must be executable; its version is not
#      checked);
#   2. ${XDG_CACHE_HOME:-$HOME/.cache}/plan/ollama-vVERSION/ollama, if it reports VERSION;
#   3. otherwise the binary is built there with `go install` (gcc and g++ needed, a few minutes
#      on two cores) and then printed.
#
# Only the path goes to stdout; progress and build output go to stderr. The build runs in a
# temporary directory next to the cache and is moved into place when complete, so an interrupted
# build never leaves a broken binary behind. A lock file serialises concurrent builds, including
# those started by the Go test helper in internal/ollamatest.
set -euo pipefail

version=${1:-${PLAN_OLLAMA_VERSION:-0.6.5}}
version=${version#v}
if [[ $# -gt 0 ]]; then
	unset PLAN_OLLAMA_BIN
fi
module=github.com/ollama/ollama
# Current releases include headers their Go module leaves out: nlohmann/json and stb_image come
# from Debian (scripts/install-deps.sh), miniaudio from a stand-in written for this project.
include_dir="$(cd "$(dirname "$0")" && pwd)/ollama-include"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/plan/ollama-v${version}"
cached="$cache_dir/ollama"

# is_pinned reports whether $1 is an executable Ollama binary of the pinned version. The probe
# points OLLAMA_HOST at a closed port so that a running server cannot answer in its place.
is_pinned() {
	local out
	[[ -x "$1" ]] || return 1
	out=$(OLLAMA_HOST=127.0.0.1:9 "$1" --version 2>&1) || return 1
	[[ "$out" == *"version is ${version}"* ]]
}

build() {
	mkdir -p "$cache_dir"
	exec 9>"$cache_dir/.lock"
	if command -v flock >/dev/null; then
		flock 9
	fi
	# Another process may have finished a build while this one waited for the lock.
	if is_pinned "$cached"; then
		return
	fi
	command -v go >/dev/null || {
		echo "ensure-ollama: go is not in PATH; cannot build ollama v${version}" >&2
		exit 1
	}
	tmp=$(mktemp -d "$cache_dir/build.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "ensure-ollama: building ollama v${version} into $cache_dir (takes a few minutes)" >&2
	local started=$SECONDS
	GOBIN="$tmp" GOFLAGS= GOWORK=off CGO_ENABLED=1 CGO_CPPFLAGS="-I$include_dir" \
		go install -ldflags "-X ${module}/version.Version=${version}" "${module}@v${version}" >&2
	is_pinned "$tmp/ollama" || {
		echo "ensure-ollama: the built binary does not report version ${version}" >&2
		exit 1
	}
	mv -f "$tmp/ollama" "$cached"
	echo "ensure-ollama: built ollama v${version} in $((SECONDS - started)) s" >&2
}

if [[ -n "${PLAN_OLLAMA_BIN:-}" ]]; then
	if [[ ! -x "$PLAN_OLLAMA_BIN" ]]; then
		echo "ensure-ollama: PLAN_OLLAMA_BIN=$PLAN_OLLAMA_BIN is not an executable file" >&2
		exit 1
	fi
	echo "$PLAN_OLLAMA_BIN"
	exit 0
fi

if ! is_pinned "$cached"; then
	build
fi
echo "$cached"
