#!/usr/bin/env bash
# Prints how well plan's benchmark agrees with itself and with the server.
set -euo pipefail
cd "$(dirname "$0")/.."
for model in q8_0 q4_K_M; do
	go run ./scripts/agreement -model "$model"
done
