#!/usr/bin/env bash
# Installs the system packages the build and tests need when they are missing:
# a C toolchain for the Ollama test servers and the race detector, the headers a
# current Ollama release needs to build (nlohmann-json, stb), and Debian's
# chromium, the headless browser the HTML report test opens its output in.
# Quiet and idempotent: it does nothing when everything is there.
set -euo pipefail
need=()
for tool in gcc g++ make git chromium; do
	command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
# Headers that current Ollama releases include but their Go module leaves out.
[ -f /usr/include/nlohmann/json.hpp ] || need+=(nlohmann-json3-dev)
[ -f /usr/include/stb/stb_image.h ] || need+=(libstb-dev)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "install-deps: missing ${need[*]}; not root and no sudo: install them with apt-get as root" >&2
		exit 1
	fi
	SUDO="sudo"
fi
echo "installing ${need[*]}" >&2
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get install -y -qq "${need[@]}" >/dev/null
