#!/usr/bin/env bash
# Installs the system packages the build and tests need (a C toolchain for the
# Ollama test server and the race detector) when they are missing.
set -euo pipefail
need=()
for tool in gcc g++ make git; do
	command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
[ ${#need[@]} -eq 0 ] && exit 0
pkgs=()
for tool in "${need[@]}"; do
	case "$tool" in
	g++) pkgs+=(g++) ;;
	*) pkgs+=("$tool") ;;
	esac
done
echo "installing ${pkgs[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${pkgs[@]}"
