#!/usr/bin/env bash
# Runs the benchmarks on this machine and prints each figure with its target.
# Usage: bench/run.sh [kdf]
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-kdf}"
dotnet build bench/Vault.Bench -c Release -o artifacts/bench -v quiet -nologo | grep -E "error|warn" && exit 1 || true
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%d); commit $(git rev-parse --short HEAD)"
case "$which" in
  kdf) dotnet artifacts/bench/Vault.Bench.dll kdf bench/kdf-node.js ;;
  *) echo "unknown benchmark: $which" >&2; exit 2 ;;
esac
