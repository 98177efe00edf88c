#!/usr/bin/env bash
# Runs the benchmarks on this machine and prints each figure with its target (issue 7). Every figure is a ratio or
# a delta against a reference measured in this same run, on loopback, with the Amazon simulator as Amazon.
#
# Usage: bench/run.sh [all|kdf|proxy|sellers|ab|serve|pacing|latency]      (default: all = kdf + proxy; pacing runs only when asked for)
#   kdf    scrypt in the vault vs Node's crypto.scrypt
#   proxy  builds and starts the simulator, the vault and the Data Border-style reference (bench/databorder-reference)
#          as real processes on free loopback ports, seeds connections through the vault's API, then measures:
#          warm GET throughput and CPU per request vault vs the bare Kestrel + YARP forwarder (and vs direct), added
#          latency at a constant 500 req/s, warm throughput vault vs the Data Border-style reference, warm throughput
#          spread over 1,000 warm sellers vs the same load on one seller, start-up and idle RSS (vs the bare
#          forwarder's), cold first calls vs cores / scrypt time and vs two bare scrypt threads, and 1,000 concurrent
#          cold requests (peak RSS, answers).
#   sellers  seeds SELLERS connections (default 10,000; two key derivations each: import, then first call), then on a
#          freshly started vault reads RSS after as many calls on one seller, with a tenth of the sellers warm (tokens
#          cached) and with all of them warm, each after a full GC induced in the vault: the slope between the last two
#          is the RSS each warm connection keeps (the first tenth pays the cold path's one-time costs), split into the live
#          GC heap, the GC's committed memory and the rest (native, code), from the runtime's figures on /metrics.
#   ab     two builds of the vault (or one build in two environments) side by side on one seeded database and one
#          simulator, in alternating wrk rounds: requests/s, CPU and bytes allocated per warm proxied GET for each, in
#          the same run (for trying a change: the ratio B/A is what counts on a loaded machine). A is the working tree
#          (or BENCH_REF); B is BENCH_B_REF=<git rev> (built the same way), or VAULT_B_DLL=<a built Vault.Api.dll>, and/or
#          VAULT_B_ENV="…".
#   pacing (issue 17) the simulator enforces Amazon's documented usage plans (SIM_RATE_LIMITS=documented); 16 clients
#          call getInventorySummaries (2/s, burst 2) at 3× its rate for PACE_SECONDS: Amazon 429s reaching the caller with
#          pacing and without (AMAZON_PACING=false, the reference), calls served per second vs the rate, the same load
#          through two vault instances on one PostgreSQL (started here, like the tests' PostgresServer), and the vault's
#          CPU per request on an operation pacing does not know, pacing on vs off.
#   latency (issue 18) the added-latency step once per vault environment in LATENCY_ENVS ("default;DOTNET_GCgen0size=…",
#          separated by ';'), each on a fresh vault warmed by wrk, interleaved REPEATS times, with the vault's GC pause,
#          gen0 collections and RSS beside each (bench/latency.sh).
#   serve  starts and seeds the same processes, prints how to call them, and waits (for profiling: dotnet-trace,
#          dotnet-counters against the printed vault pid while you drive load with wrk).
#
# Knobs (environment): WRK_SECONDS=10 WRK_CONNECTIONS=32 WRK_THREADS=2 ROUNDS=2 LATENCY_RATE=500 LATENCY_SECONDS=10
#   COLD_SELLERS=200 COLD_CONCURRENCY=16 FLOOD=1000 STARTS=3 SPREAD_SELLERS=1000 SELLERS=10000 PACE_SECONDS=60 PACE_CLIENTS=16
#   VAULT_ENV="DOTNET_gcServer=0 …": extra environment for the vault process only (GC and JIT experiments).
#   BENCH_REF=<git rev>: build the vault and the simulator from that commit (git archive) instead of the working tree.
#   BENCH_R2R=1: run the vault as published ReadyToRun (dotnet publish -p:PublishReadyToRun=true) instead of the plain build.
# Needs: the .NET SDK, node, jq, curl; installs Debian's wrk when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
case "$which" in all|kdf|proxy|sellers|ab|serve|pacing|latency) ;; *) echo "usage: bench/run.sh [all|kdf|proxy|sellers|ab|serve|pacing|latency]" >&2; exit 2 ;; esac

WRK_SECONDS="${WRK_SECONDS:-10}"
WRK_CONNECTIONS="${WRK_CONNECTIONS:-32}"
WRK_THREADS="${WRK_THREADS:-2}"
ROUNDS="${ROUNDS:-2}"
LATENCY_RATE="${LATENCY_RATE:-500}"
LATENCY_SECONDS="${LATENCY_SECONDS:-10}"
COLD_SELLERS="${COLD_SELLERS:-200}"
COLD_CONCURRENCY="${COLD_CONCURRENCY:-16}"
FLOOD="${FLOOD:-1000}"
STARTS="${STARTS:-3}"
PACE_SECONDS="${PACE_SECONDS:-60}"
PACE_CLIENTS="${PACE_CLIENTS:-16}"
SPREAD_SELLERS="${SPREAD_SELLERS:-1000}"
SELLERS="${SELLERS:-10000}"

ART="artifacts/bench-build"   # isolated bin/ and obj/: never the default folders other builds use
RUN="artifacts/bench-run"     # logs, database, seeded state of the last run
rm -rf "$RUN" && mkdir -p "$RUN"
FIGURES="$RUN/figures.txt"
: >"$FIGURES"

# ---- build ------------------------------------------------------------------------------------------------------
SRC="."
PRODUCT="$ART/product"
if [[ -n "${BENCH_REF:-}" ]]; then
  ref="$(git rev-parse --short "$BENCH_REF")"
  SRC="$ART/src-$ref"
  PRODUCT="$ART/product-$ref"
  [[ -d "$SRC" ]] || { mkdir -p "$SRC"; git archive "$ref" | tar -x -C "$SRC"; }
fi
B_SRC=""; B_PRODUCT=""
if [[ "$which" == ab && -n "${BENCH_B_REF:-}" ]]; then
  b_ref="$(git rev-parse --short "$BENCH_B_REF")"
  B_SRC="$ART/src-$b_ref"
  B_PRODUCT="$ART/product-$b_ref"
  [[ -d "$B_SRC" ]] || { mkdir -p "$B_SRC"; git archive "$b_ref" | tar -x -C "$B_SRC"; }
fi
for old in "$ART"/src-* "$ART"/product-*; do # earlier commits' copies
  [[ "$old" == "$SRC" || "$old" == "$PRODUCT" || "$old" == "$B_SRC" || "$old" == "$B_PRODUCT" ]] || rm -rf "$old"
done
build() {
  local out
  if ! out="$(dotnet build "$1" -c Release --artifacts-path "$2" -nologo -v quiet -clp:NoSummary 2>&1)" || grep -qE "warning|error" <<<"$out"; then
    echo "$out" >&2
    echo "bench: building $1 failed (warnings are errors)" >&2
    exit 1
  fi
}
echo "building (Release)…" >&2
build bench/Vault.Bench "$ART"
BENCH="$ART/bin/Vault.Bench/release/Vault.Bench.dll"
if [[ "$which" != kdf ]]; then
  build "$SRC/Vault.Api" "$PRODUCT"
  build "$SRC/Vault.AmazonSimulator" "$PRODUCT"
  [[ -n "$B_SRC" ]] && build "$B_SRC/Vault.Api" "$B_PRODUCT"
fi
VAULT_DLL="$PRODUCT/bin/Vault.Api/release/Vault.Api.dll"
if [[ "${BENCH_R2R:-0}" == 1 && "$which" != kdf ]]; then # the vault published ReadyToRun (precompiled), as an image could ship it
  R2R="$ART/r2r-$(basename "$PRODUCT")"
  if ! out="$(dotnet publish "$SRC/Vault.Api" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -p:UseAppHost=false \
      --artifacts-path "$R2R" -o "$R2R/publish" -nologo -v quiet -clp:NoSummary 2>&1)" || grep -qE "warning|error" <<<"$out"; then
    echo "$out" >&2; echo "bench: publishing ReadyToRun failed" >&2; exit 1
  fi
  VAULT_DLL="$R2R/publish/Vault.Api.dll"
fi
SIM_DLL="$PRODUCT/bin/Vault.AmazonSimulator/release/Vault.AmazonSimulator.dll"

commit="$(git rev-parse --short "${BENCH_REF:-HEAD}")"
dirty=""
if [[ -z "${BENCH_REF:-}" ]] && [[ -n "$(git status --porcelain -- . ':!bench' 2>/dev/null)" ]]; then
  dirty=" + uncommitted changes outside bench/ (working tree)"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $commit$dirty"
[[ -n "${VAULT_ENV:-}" ]] && echo "vault environment: $VAULT_ENV"
[[ "${BENCH_R2R:-0}" == 1 ]] && echo "vault published ReadyToRun: $VAULT_DLL"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"

figure() { # name value target MET|MISSED
  printf 'figure: %s = %s   target %s   %s\n' "$1" "$2" "$3" "$4"
}
collect() { tee -a "$FIGURES"; }

# ---- kdf ---------------------------------------------------------------------------------------------------------
if [[ "$which" == all || "$which" == kdf ]]; then
  echo
  echo "== scrypt: vault vs node crypto.scrypt"
  dotnet "$BENCH" kdf bench/kdf-node.js | collect || true
fi
[[ "$which" == kdf ]] && { echo; echo "== summary"; grep '^figure:' "$FIGURES" | sed 's/^figure: //'; exit 0; }

# ---- processes -------------------------------------------------------------------------------------------------
command -v wrk >/dev/null || { echo "installing wrk…" >&2; apt-get install -y wrk >/dev/null 2>&1 || sudo apt-get install -y wrk >/dev/null; }
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
SIM_PORT="$(free_port)"; VAULT_PORT="$(free_port)"; REF_PORT="$(free_port)"
while [[ "$VAULT_PORT" == "$SIM_PORT" ]]; do VAULT_PORT="$(free_port)"; done
while [[ "$REF_PORT" == "$SIM_PORT" || "$REF_PORT" == "$VAULT_PORT" ]]; do REF_PORT="$(free_port)"; done
SIM="http://127.0.0.1:$SIM_PORT"
VAULT="http://127.0.0.1:$VAULT_PORT"
REF="http://127.0.0.1:$REF_PORT"

random_hex() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
export JWT_SECRET="$(random_hex)"
export COOKIE_ENCRYPTION_KEY="$(random_hex)"
export VAULT_DATABASE="$RUN/vault.db"
export PUBLIC_BASE_URL="$VAULT"
export ASPNETCORE_URLS="$VAULT"
export ALLOWED_REDIRECT_ORIGINS="$VAULT"
export AMAZON_ENDPOINT_OVERRIDE="$SIM/{host}"
export SPAPI_APP_ID="amzn1.sp.solution.simulator"
export SPAPI_LWA_CLIENT_ID="amzn1.application-oa2-client.simspapi"
export SPAPI_LWA_CLIENT_SECRET="sim-spapi-secret"
export ADS_LWA_CLIENT_ID="amzn1.application-oa2-client.simads"
export ADS_LWA_CLIENT_SECRET="sim-ads-secret"

SIM_PID=""; VAULT_PID=""; REF_PID=""; BARE_PID=""; B_PID=""
stop() { # pid: only processes this script started
  [[ -n "$1" ]] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
VAULT_B_PID=""; PG_DIR=""
cleanup() {
  stop "$BARE_PID"; stop "$REF_PID"; stop "$VAULT_B_PID"; stop "$B_PID"; stop "$VAULT_PID"; stop "$SIM_PID"
  [[ -n "$PG_DIR" ]] && pg_as_owner "$PG_BIN/pg_ctl" stop -D "$PG_DIR/data" -m fast >/dev/null 2>&1 && rm -rf "$PG_DIR"
  return 0
}
trap cleanup EXIT INT TERM
wait_for() {
  for _ in $(seq 1 300); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "bench: $1 did not come up; see $RUN/*.log" >&2
  exit 1
}
VAULT_ENV="${VAULT_ENV:-}"
start_vault() {
  env $VAULT_ENV dotnet "$VAULT_DLL" >>"$RUN/vault.log" 2>&1 &
  VAULT_PID=$!
  wait_for "$VAULT/readyz"
}
rss() { awk -v f="$2:" '$1 == f { printf "%.1f MiB", $2/1024 }' "/proc/$1/status"; }

SIM_ENV=""
[[ "$which" == pacing ]] && SIM_ENV="SIM_RATE_LIMITS=documented" # Amazon's usage plans, as Amazon enforces them
env $SIM_ENV ASPNETCORE_URLS="$SIM" dotnet "$SIM_DLL" >"$RUN/simulator.log" 2>&1 &
SIM_PID=$!
wait_for "$SIM/_sim/health"
start_vault

seed_count=$(( FLOOD > COLD_SELLERS ? FLOOD : COLD_SELLERS ))
seed_count=$(( SPREAD_SELLERS > seed_count ? SPREAD_SELLERS : seed_count ))
[[ "$which" == sellers ]] && seed_count="$SELLERS"
[[ "$which" == ab || "$which" == latency ]] && seed_count=1
[[ "$which" == pacing ]] && seed_count=0
echo
echo "== seeding 1 warm and $seed_count cold sellers through the vault (PUT …/connections/sp-api; one scrypt each)"
dotnet "$BENCH" seed "$VAULT" "$SIM" "$seed_count" "$RUN/state.json"
STATE="$RUN/state.json"
JWT="$(jq -r '.jwts.bench' "$STATE")"
SECRET="$(jq -r '.warm.secret' "$STATE")"
ACCESS="$(jq -r '.directAccessToken' "$STATE")"
WARM_PATH="/sellers/v1/marketplaceParticipations"
DIRECT_URL="$SIM/sellingpartnerapi-na.amazon.com$WARM_PATH"
VAULT_URL="$VAULT/v1/sellers/warm-0/sp-api$WARM_PATH"
REF_URL="$REF/v1/sellers/warm-0/sp-api$WARM_PATH"

if [[ "$which" == sellers ]]; then
  echo
  echo "== RSS growth for $SELLERS warm connections, on a freshly started vault"
  stop "$VAULT_PID"; VAULT_PID=""
  start_vault
  echo "  idle after start: $(rss "$VAULT_PID" VmRSS)"
  dotnet "$BENCH" memory "$STATE" "$VAULT_PID" "$SELLERS" 16 | collect
  stop "$VAULT_PID"; VAULT_PID=""
  echo
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
  echo "== summary (logs in $RUN)"
  grep '^figure:' "$FIGURES" | sed 's/^figure: //'
  exit 0
fi

if [[ "$which" == serve ]]; then
  cat <<TEXT

vault pid $VAULT_PID at $VAULT, simulator pid $SIM_PID at $SIM (logs in $RUN). For example:
  wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${WRK_SECONDS}s -H 'Authorization: Bearer $JWT' -H 'x-amazon-token-secret: $SECRET' $VAULT_URL
  wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${WRK_SECONDS}s -H 'x-amz-access-token: $ACCESS' $DIRECT_URL
Ctrl-C stops both.
TEXT
  wait "$VAULT_PID"
  exit 0
fi

# One wrk run. Prints requests/s and the CPU each process spent per request (µs: vault, simulator, wrk), from
# /proc/<pid>/stat before and after, and for wrk from the shell's `times`. Warns on any non-2xx.
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))
ticks() { [[ "$1" =~ ^[0-9]+$ && -r "/proc/$1/stat" ]] && awk '{ print $14 + $15 }' "/proc/$1/stat" || echo 0; }
# CPU (µs, user + system) of this shell's finished children so far: wrk's, once it has been waited for.
children_cpu_us() { # sets CHILD_US; call it plainly, not in $( ): a subshell has no children of its own yet
  times >"$RUN/times" # a builtin with a redirect runs in this shell
  CHILD_US="$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f\n", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1e6 }' "$RUN/times")"
}

wrk_rps() { # proxy-pid|- url header...   prints: req/s, CPU µs per request of the proxy, the simulator and wrk
  local pid="$1" url="$2"; shift 2
  local args=() out p0 s0 p1 s1 c0 c1 rps
  for h in "$@"; do args+=(-H "$h"); done
  [[ -n "${WRK_SCRIPT:-}" ]] && args+=(-s "$WRK_SCRIPT") # a Lua script that makes each request (WRK_SCRIPT=… wrk_rps …)
  p0=$(ticks "$pid"); s0=$(ticks "$SIM_PID"); children_cpu_us; c0=$CHILD_US
  out="$(wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --timeout 10s "${args[@]}" "$url")"
  p1=$(ticks "$pid"); s1=$(ticks "$SIM_PID"); children_cpu_us; c1=$CHILD_US
  echo "$out" >>"$RUN/wrk.log"
  if [[ -z "${EXPECT_NON2XX:-}" ]] && grep -qE "Non-2xx|Socket errors" <<<"$out"; then
    echo "bench: wrk saw errors against $url:" >&2
    grep -E "Non-2xx|Socket errors" <<<"$out" >&2
  fi
  rps="$(awk '/Requests\/sec/ { print $2 }' <<<"$out")"
  awk -v r="$rps" -v d="$WRK_SECONDS" -v t="$TICK_US" -v p=$((p1 - p0)) -v s=$((s1 - s0)) -v w=$((c1 - c0)) \
    'BEGIN { n = r * d; printf "%s %.0f %.0f %.0f\n", r, p * t / n, s * t / n, w / n }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio_met() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { r = a / b; printf "%.3f %s\n", r, (r >= t) ? "MET" : "MISSED" }'; }

if [[ "$which" == pacing ]]; then
  source bench/pacing.sh
  exit 0
fi
if [[ "$which" == latency ]]; then
  source bench/latency.sh
  exit 0
fi
if [[ "$which" == ab ]]; then
  B_PORT="$(free_port)"
  B="http://127.0.0.1:$B_PORT"
  B_DLL="${B_PRODUCT:+$B_PRODUCT/bin/Vault.Api/release/Vault.Api.dll}"
  B_DLL="${VAULT_B_DLL:-${B_DLL:-$VAULT_DLL}}"
  echo
  echo "== A: $VAULT_DLL ${VAULT_ENV:+($VAULT_ENV)}"
  echo "   B: $B_DLL ${VAULT_B_ENV:+($VAULT_B_ENV)}${BENCH_B_REF:+ (commit $(git rev-parse --short "$BENCH_B_REF"))}"
  env ${VAULT_B_ENV:-} ASPNETCORE_URLS="$B" PUBLIC_BASE_URL="$B" ALLOWED_REDIRECT_ORIGINS="$B" dotnet "$B_DLL" >>"$RUN/vault-b.log" 2>&1 &
  B_PID=$!
  wait_for "$B/readyz"
  allocated() { curl -fsS "$1/metrics" | awk '/^dotnet_gc_heap_total_allocated/ && v == "" { v = $2 } END { print v }'; }
  ab_round() { # name pid base
    local a0 a1 out rps cpu
    a0="$(allocated "$3")"
    read -r rps cpu _ <<<"$(wrk_rps "$2" "$3/v1/sellers/warm-0/sp-api$WARM_PATH" "Authorization: Bearer $JWT" "x-amazon-token-secret: $SECRET")"
    a1="$(allocated "$3")"
    awk -v n="$1" -v r="$rps" -v c="$cpu" -v a="$((a1 - a0))" -v d="$WRK_SECONDS" 'BEGIN { printf "%s %s %s %.0f\n", n, r, c, a / (r * d) }'
  }
  ab_round A "$VAULT_PID" "$VAULT" >/dev/null # warm-up: B's first call derives its key
  ab_round B "$B_PID" "$B" >/dev/null
  : >"$RUN/ab.txt"
  for r in $(seq 1 "$ROUNDS"); do
    for side in A B; do
      if [[ "$side" == A ]]; then line="$(ab_round A "$VAULT_PID" "$VAULT")"; else line="$(ab_round B "$B_PID" "$B")"; fi
      echo "$line" >>"$RUN/ab.txt"
      read -r _ rps cpu bytes <<<"$line"
      echo "  round $r $side: $rps req/s, CPU $cpu µs per request, $bytes bytes allocated per request"
    done
  done
  for side in A B; do
    echo "  $side medians: $(awk -v s="$side" '$1 == s { print $2 }' "$RUN/ab.txt" | median) req/s, CPU $(awk -v s="$side" '$1 == s { print $3 }' "$RUN/ab.txt" | median) µs, $(awk -v s="$side" '$1 == s { print $4 }' "$RUN/ab.txt" | median) bytes per request; RSS $(rss "$([[ $side == A ]] && echo "$VAULT_PID" || echo "$B_PID")" VmRSS)"
  done
  exit 0
fi

echo
echo "== warm proxied GET throughput (wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${WRK_SECONDS}s, $ROUNDS rounds, direct first)"
# The floor: Kestrel + YARP's forwarder and nothing else (bench/Vault.Bench/BareProxy.cs), with the vault's GC settings.
BARE_PORT="$(free_port)"
BARE="http://127.0.0.1:$BARE_PORT"
env DOTNET_gcServer=1 $VAULT_ENV dotnet "$BENCH" bare-proxy "$BARE" "$SIM/sellingpartnerapi-na.amazon.com" "$ACCESS" >"$RUN/bare-proxy.log" 2>&1 &
BARE_PID=$!
wait_for "$BARE/readyz"
sleep 3
BARE_IDLE_RSS="$(rss "$BARE_PID" VmRSS)"
BARE_URL="$BARE$WARM_PATH"
wrk_rps - "$DIRECT_URL" "x-amz-access-token: $ACCESS" >/dev/null # warm-up: connections, JIT, tiered compilation
wrk_rps "$BARE_PID" "$BARE_URL" >/dev/null
wrk_rps "$VAULT_PID" "$VAULT_URL" "Authorization: Bearer $JWT" "x-amazon-token-secret: $SECRET" >/dev/null
direct=(); bare=(); vault=(); bare_cpu=(); vault_cpu=()
for r in $(seq 1 "$ROUNDS"); do
  read -r d _ ds dw <<<"$(wrk_rps - "$DIRECT_URL" "x-amz-access-token: $ACCESS")"
  read -r b bb bs bw <<<"$(wrk_rps "$BARE_PID" "$BARE_URL")"
  read -r v vv vs vw <<<"$(wrk_rps "$VAULT_PID" "$VAULT_URL" "Authorization: Bearer $JWT" "x-amazon-token-secret: $SECRET")"
  direct+=("$d"); bare+=("$b"); vault+=("$v"); bare_cpu+=("$bb"); vault_cpu+=("$vv")
  echo "  round $r: direct     $d req/s (CPU per request: simulator $ds µs, wrk $dw µs)"
  echo "           bare proxy $b req/s (CPU per request: bare proxy $bb µs, simulator $bs µs, wrk $bw µs)"
  echo "           vault      $v req/s (CPU per request: vault $vv µs, simulator $vs µs, wrk $vw µs)"
done
BARE_RPS="$(printf '%s\n' "${bare[@]}" | median)"
BARE_IDLE_MIB="${BARE_IDLE_RSS% MiB}"
echo "  bare proxy RSS: $BARE_IDLE_RSS idle after start, $(rss "$BARE_PID" VmRSS) after its runs (the runtime + Kestrel + YARP floor)"
stop "$BARE_PID"; BARE_PID=""
DIRECT_RPS="$(printf '%s\n' "${direct[@]}" | median)"
VAULT_RPS="$(printf '%s\n' "${vault[@]}" | median)"
echo "  medians: direct (the simulator's own limit on this machine) $DIRECT_RPS req/s, bare proxy $BARE_RPS req/s, vault $VAULT_RPS req/s"
read -r r _ <<<"$(ratio_met "$BARE_RPS" "$DIRECT_RPS" 0.5)"
echo "  the floor: bare Kestrel + YARP forwarder / direct = $r (no caller auth, no database, no token; not a target)"
read -r r met <<<"$(ratio_met "$VAULT_RPS" "$DIRECT_RPS" 0.5)"
figure "warm GET throughput, vault / direct" "$r" ">= 0.5" "$met" | collect
BARE_CPU="$(printf '%s\n' "${bare_cpu[@]}" | median)"
VAULT_CPU="$(printf '%s\n' "${vault_cpu[@]}" | median)"
r="$(awk -v a="$VAULT_CPU" -v b="$BARE_CPU" 'BEGIN { printf "%.2f", a / b }')"
met="$(awk -v r="$r" 'BEGIN { print (r <= 1.5) ? "MET" : "MISSED" }')"
figure "vault CPU per warm proxied GET / bare forwarder's" "$r ($VAULT_CPU vs $BARE_CPU µs, medians of rounds)" "<= 1.5" "$met" | collect
read -r r met <<<"$(ratio_met "$VAULT_RPS" "$BARE_RPS" 0.7)"
figure "warm GET throughput, vault / bare forwarder" "$r" ">= 0.7" "$met" | collect

echo
echo "== added latency at a constant $LATENCY_RATE req/s (measured from each request's scheduled time)"
dotnet "$BENCH" latency "$STATE" "$LATENCY_RATE" "$LATENCY_SECONDS" 2 "$ROUNDS" | collect
echo "  vault RSS after the warm runs: $(rss "$VAULT_PID" VmRSS) (peak so far $(rss "$VAULT_PID" VmHWM))"

echo
echo "== warm throughput, vault vs the Data Border-style reference (node bench/databorder-reference/server.js)"
jq '[{tenant: .warm.tenant, sellerId: .warm.sellerId, region: "na", secret: .warm.secret, refreshToken: .warm.refreshToken}]' "$STATE" \
  | node bench/databorder-reference/server.js encrypt >"$RUN/databorder-blobs.json"
PORT="$REF_PORT" BLOBS_FILE="$RUN/databorder-blobs.json" node bench/databorder-reference/server.js >"$RUN/databorder.log" 2>&1 &
REF_PID=$!
wait_for "$REF/readyz"
curl -fsS -o /dev/null "$REF_URL" -H "Authorization: Bearer $JWT" -H "x-amazon-token-secret: $SECRET" \
  || { echo "bench: the Data Border-style reference does not answer 200" >&2; exit 1; }
read -r REF_RPS _ <<<"$(wrk_rps "$REF_PID" "$REF_URL" "Authorization: Bearer $JWT" "x-amazon-token-secret: $SECRET")"
read -r V2 _ <<<"$(wrk_rps "$VAULT_PID" "$VAULT_URL" "Authorization: Bearer $JWT" "x-amazon-token-secret: $SECRET")"
stop "$REF_PID"; REF_PID=""
echo "  databorder-style $REF_RPS req/s; vault right after it $V2 req/s"
read -r r met <<<"$(ratio_met "$V2" "$REF_RPS" 50)"
figure "warm throughput, vault / databorder-style" "${r}x" ">= 50x" "$met" | collect

echo
echo "== warm throughput spread over $SPREAD_SELLERS warm sellers vs the same load on one seller (wrk scripts with $SPREAD_SELLERS prepared requests each)"
dotnet "$BENCH" warm "$STATE" "$SPREAD_SELLERS" 16 "$RUN/spread.lua" "$RUN/one.lua"
WRK_SCRIPT="$RUN/one.lua" wrk_rps "$VAULT_PID" "$VAULT" >/dev/null # warm-up
WRK_SCRIPT="$RUN/spread.lua" wrk_rps "$VAULT_PID" "$VAULT" >/dev/null
one=(); spread=()
for r in $(seq 1 "$ROUNDS"); do
  read -r o ov _ <<<"$(WRK_SCRIPT="$RUN/one.lua" wrk_rps "$VAULT_PID" "$VAULT")"
  read -r s sv _ <<<"$(WRK_SCRIPT="$RUN/spread.lua" wrk_rps "$VAULT_PID" "$VAULT")"
  one+=("$o"); spread+=("$s")
  echo "  round $r: one seller $o req/s (vault $ov µs per request), $SPREAD_SELLERS sellers $s req/s (vault $sv µs per request)"
done
echo "  vault RSS with $SPREAD_SELLERS warm sellers: $(rss "$VAULT_PID" VmRSS)"
read -r r met <<<"$(ratio_met "$(printf '%s\n' "${spread[@]}" | median)" "$(printf '%s\n' "${one[@]}" | median)" 0.9)"
figure "warm throughput over $SPREAD_SELLERS warm sellers / one seller" "$r" ">= 0.9" "$met" | collect

echo
echo "== start to /readyz 200 and idle RSS ($STARTS starts, database with $((seed_count + 1)) connections)"
stop "$VAULT_PID"; VAULT_PID=""
env $VAULT_ENV dotnet "$BENCH" startup "$VAULT_DLL" "$VAULT" "$STARTS" 3 "$BARE_IDLE_MIB" | collect

echo
echo "== cold first calls: $COLD_SELLERS distinct sellers, $COLD_CONCURRENCY at a time, on a freshly started vault"
start_vault
dotnet "$BENCH" cold "$STATE" 0 "$COLD_SELLERS" "$COLD_CONCURRENCY" | collect
stop "$VAULT_PID"; VAULT_PID=""

echo
echo "== $FLOOD concurrent cold requests for distinct sellers, on a freshly started vault"
start_vault
dotnet "$BENCH" flood "$STATE" "$FLOOD" "$VAULT_PID" | collect
stop "$VAULT_PID"; VAULT_PID=""

echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "== summary (logs in $RUN)"
grep '^figure:' "$FIGURES" | sed 's/^figure: //'
