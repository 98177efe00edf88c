# bench/run.sh latency (issue 18), sourced by run.sh after it started the simulator and a vault and seeded the warm
# seller: the added-latency step (Vault.Bench latency, LATENCY_RATE req/s) once per vault environment in LATENCY_ENVS
# (separated by ';'; "default" is none; "again" measures direct in the vault's place too: the floor; "bare" the bare
# Kestrel + YARP forwarder in the vault's place: what a second hop adds), each on a freshly started vault warmed by WRK_SECONDS of wrk, the environments
# interleaved REPEATS times. Beside each run: the vault's GC pause and gen0 collections over the measured rounds (from
# its /metrics) and its RSS after, so a tail can be set against the collector's work.
LATENCY_ENVS="${LATENCY_ENVS:-default;DOTNET_GCgen0size=0x2000000}"
REPEATS="${REPEATS:-2}"
BASE_VAULT_ENV="$VAULT_ENV"
metric() { # base name [label filter]: the sum of a metric's series on the vault's /metrics
  curl -fsS "$1/metrics" | awk -v m="$2" -v f="${3:-}" '$1 ~ "^"m"({|$)" && index($1, f) { s += $2 } END { printf "%.6f\n", s }'
}
echo
echo "== added latency at $LATENCY_RATE req/s by vault environment ($REPEATS interleaved runs each; $ROUNDS rounds of ${LATENCY_SECONDS}s per run)"
: >"$RUN/latency-env.txt"
for rep in $(seq 1 "$REPEATS"); do
  IFS=';' read -ra envs <<<"$LATENCY_ENVS"
  for e in "${envs[@]}"; do
    stop "$VAULT_PID"; VAULT_PID=""
    VAULT_ENV="$BASE_VAULT_ENV $([[ "$e" == default || "$e" == again || "$e" == bare ]] || echo "$e")" start_vault
    # JIT, tiers, pools; a fresh vault paces the warm GET at Amazon's default rate until Amazon's first answer, so a
    # call or two of the first burst may be answered 429 rate_limited here
    EXPECT_NON2XX=1 wrk_rps "$VAULT_PID" "$VAULT_URL" "Authorization: Bearer $JWT" "x-amazon-token-secret: $SECRET" >/dev/null
    pause0="$(metric "$VAULT" dotnet_gc_pause_time_seconds_total)"; gen0_0="$(metric "$VAULT" dotnet_gc_collections_total gen0)"
    side=""
    [[ "$e" == again ]] && side=again
    if [[ "$e" == bare ]]; then # the bare Kestrel + YARP forwarder in the vault's place: what any second hop adds here
      if [[ -z "$BARE_PID" ]]; then
        BARE="http://127.0.0.1:$(free_port)"
        env DOTNET_gcServer=1 $BASE_VAULT_ENV dotnet "$BENCH" bare-proxy "$BARE" "$SIM/sellingpartnerapi-na.amazon.com" "$ACCESS" >"$RUN/bare-proxy.log" 2>&1 &
        BARE_PID=$!
        wait_for "$BARE/readyz"
      fi
      wrk_rps "$BARE_PID" "$BARE$WARM_PATH" >/dev/null
      side="bare=$BARE$WARM_PATH"
    fi
    out="$(dotnet "$BENCH" latency "$STATE" "$LATENCY_RATE" "$LATENCY_SECONDS" 2 "$ROUNDS" $side)"
    pause1="$(metric "$VAULT" dotnet_gc_pause_time_seconds_total)"; gen0_1="$(metric "$VAULT" dotnet_gc_collections_total gen0)"
    echo "$out" >>"$RUN/latency.log"
    vault_p99="$(awk '$3 == "vault" || $3 == "again" || $3 == "bare" { printf "%s%s", sep, $11; sep = " / " }' <<<"$out")"
    direct_p99="$(awk '$3 == "direct" { printf "%s%s", sep, $11; sep = " / " }' <<<"$out")"
    if [[ "$e" == again || "$e" == bare ]]; then
      added="$(sed -n 's/.*p50 rounds \(.*\) ms, p99 rounds \(.*\) ms (not.*/\1 | \2/p' <<<"$out")"
    else
      added="$(grep -o 'rounds [^)]*' <<<"$(grep 'added latency p50' <<<"$out")" | cut -d' ' -f2-) | $(grep -o 'rounds [^)]*' <<<"$(grep 'added latency p99' <<<"$out")" | cut -d' ' -f2-)"
    fi
    line="$(printf '%s | run %s | vault p99 %s ms | direct p99 %s ms | added p50 | p99 %s ms | GC pause %.0f ms, %.0f gen0 | RSS %s' \
      "$e" "$rep" "$vault_p99" "$direct_p99" "$added" "$(awk -v a="$pause0" -v b="$pause1" 'BEGIN { print (b - a) * 1000 }')" \
      "$(awk -v a="$gen0_0" -v b="$gen0_1" 'BEGIN { print b - a }')" "$(rss "$VAULT_PID" VmRSS)")"
    echo "$line" >>"$RUN/latency-env.txt"
    echo "  $line"
  done
done
