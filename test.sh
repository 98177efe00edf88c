#!/usr/bin/env bash
# Runs every test of the vault. Installs what the tests need when it is missing (apt packages),
# builds warning-free, runs the xunit suite and ends with one plain line: "tests: N passed, M failed".
# --fast runs the fast tier only: no test marked Category=Slow (processes, servers, browsers, soak, fuzzing, anything
# over ~2 s) and no leak scan; it needs nothing but the .NET SDK, so nothing is installed. Other arguments go to dotnet test.
set -uo pipefail
cd "$(dirname "$0")"

fast=false
if [ "${1:-}" = "--fast" ]; then
  fast=true
  shift
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# What the slow tier needs; the fast tier needs only the .NET SDK.
install_missing() {
  missing=()
  command -v argon2 >/dev/null || missing+=(argon2)   # reference Argon2 for the KDF vectors
  command -v node >/dev/null || missing+=(nodejs)      # reference Data Border implementation
  [ -x /usr/bin/chromium ] || missing+=(chromium)      # the browser the OAuth browser tests drive
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)  # the PostgreSQL store's tests start a throwaway server
  command -v npm >/dev/null || missing+=(npm)          # installs Litestream for the deploy tests
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    as_root apt-get update -qq && as_root apt-get install -y -qq "${missing[@]}" >/dev/null || { echo "tests: 0 passed, 1 failed (could not install ${missing[*]})"; exit 1; }
  fi

  # Deploy tests: a real Litestream 0.3.13 (npm ships the binary; .tools/ is git-ignored via node_modules/)
  # and moto_server as a local S3 (the machine's Python has it; pip is the fallback).
  litestream=.tools/node_modules/@flydotio/litestream-linux-x64/litestream
  [ -x "$litestream" ] || { echo "installing: litestream"; npm install --no-save --silent --prefix .tools @flydotio/litestream-linux-x64@1.0.1 >/dev/null 2>&1; } || { echo "tests: 0 passed, 1 failed (could not install litestream)"; exit 1; }
  python3 -c 'import moto.server' 2>/dev/null || { echo "installing: moto"; python3 -m pip install -q 'moto[server]' >/dev/null 2>&1; } || { echo "tests: 0 passed, 1 failed (could not install moto)"; exit 1; }
  # .NET tools pinned in .config/dotnet-tools.json (NSwag: the contract tests generate a client from the OpenAPI document).
  dotnet tool restore >/dev/null || { echo "tests: 0 passed, 1 failed (could not restore the dotnet tools)"; exit 1; }
}
$fast || install_missing

if ! dotnet build Vault.slnx -nologo -v quiet -clp:NoSummary; then
  echo "tests: 0 passed, 1 failed (build failed)"
  exit 1
fi

results=TestResults
rm -rf "$results"
# Two passes (docs/RELIABILITY.md "Leaks"): the first records every secret, token, code and JWT the tests use and
# everything the vaults say (logs, error bodies, /metrics, audit rows) under $VAULT_TEST_LOG_DIR; the second
# (Category=LeakScan) searches the one in the other. With arguments (e.g. a --filter) only the first pass runs, as given;
# with --fast only the fast tier's first pass runs, without recording (there is no scan to feed).
filter=(--filter "Category!=LeakScan")
if $fast; then
  filter=(--filter "Category!=Slow&Category!=LeakScan")
else
  export VAULT_TEST_LOG_DIR="$PWD/$results/leak-capture"
  [ $# -eq 0 ] || filter=()
fi
dotnet test Vault.slnx --no-build -nologo --logger "trx;LogFileName=vault.trx" --results-directory "$results" "${filter[@]}" "$@"
status=$?
passes=(vault.trx)
if ! $fast && [ $# -eq 0 ]; then
  dotnet test Vault.slnx --no-build -nologo --logger "trx;LogFileName=leakscan.trx" --results-directory "$results" --filter "Category=LeakScan"
  [ $? -eq 0 ] || status=1
  passes+=(leakscan.trx)
fi

passed=0
failed=0
for trx in "${passes[@]}"; do
  counters=$(grep -ho '<Counters [^>]*>' "$results/$trx" 2>/dev/null | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  if [ -z "$p" ]; then
    echo "tests: $passed passed, $((failed + 1)) failed (no test results in $trx)"
    exit 1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
done
echo "tests: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
