# bench/run.sh pacing (issue 17), sourced by run.sh after it started the simulator (SIM_RATE_LIMITS=documented) and a
# vault on SQLite, and seeded the warm seller. Every figure is measured in this run: paced vs the same load unpaced.
PACE_PATH="/fba/inventory/v1/summaries?granularityType=Marketplace&granularityId=ATVPDKIKX0DER&marketplaceIds=ATVPDKIKX0DER"
PACE_RATE=2; PACE_BURST=2 # getInventorySummaries' usage plan (Vault.Api/Pacing/PacedOperations.cs, the simulator's the same)
UNPACED_URL="$VAULT/v1/sellers/warm-0/sp-api/pacing-bench/not-an-operation" # the simulator answers 404; pacing knows no such operation

pace() { # state vault-url[,vault-url]   prints the load's line; sets PACE_RESULT (calls ok amazon429 vault429 other served/s)
  local out
  out="$(dotnet "$BENCH" pace "$1" "$PACE_PATH" "$PACE_RATE" "$PACE_BURST" "$PACE_CLIENTS" "$PACE_SECONDS" 3 "$2")"
  echo "$out" >>"$RUN/pace.log"
  grep -v '^result:' <<<"$out" | sed 's/^/  /'
  PACE_RESULT="$(awk '/^result:/ { $1 = ""; print }' <<<"$out")"
}
restart_vault() { # extra environment for the vault
  stop "$VAULT_PID"; VAULT_PID=""
  VAULT_ENV="$BASE_VAULT_ENV $1" start_vault
}
BASE_VAULT_ENV="$VAULT_ENV"

echo
echo "== pacing: $PACE_CLIENTS clients at 3 × getInventorySummaries' $PACE_RATE/s (burst $PACE_BURST) for ${PACE_SECONDS}s, Amazon's documented limits enforced"
echo "  with pacing (SQLite, one instance):"
pace "$STATE" "$VAULT"
read -r calls ok a429 v429 other served <<<"$PACE_RESULT"
sleep 2 # Amazon's bucket refills before the reference
echo "  without pacing (AMAZON_PACING=false, the reference):"
restart_vault "AMAZON_PACING=false"
pace "$STATE" "$VAULT"
read -r ref_calls ref_ok ref_a429 _ _ ref_served <<<"$PACE_RESULT"
figure "pacing: Amazon 429s reaching the caller" "$a429 of $calls (without pacing: $ref_a429 of $ref_calls)" "0" \
  "$([[ "$a429" == 0 ]] && echo MET || echo MISSED)" | collect
read -r r met <<<"$(ratio_met "$served" "$PACE_RATE" 0.9)"
figure "pacing: served per second beyond the burst / the bucket's rate" "$r ($served/s; without pacing $ref_served/s of 200s)" ">= 0.9" "$met" | collect

echo
echo "== vault CPU per request on an operation pacing does not know (a 404 from the simulator), pacing on / off, $ROUNDS rounds"
# Both vaults run side by side on the one SQLite file, warmed alike, measured in alternation: a restarted process
# would be colder (tiered JIT) than the one it is compared with.
ON_PORT="$(free_port)"; ON_URL="http://127.0.0.1:$ON_PORT"
env $BASE_VAULT_ENV ASPNETCORE_URLS="$ON_URL" dotnet "$VAULT_DLL" >>"$RUN/vault-on.log" 2>&1 &
VAULT_B_PID=$!
wait_for "$ON_URL/readyz"
UNPACED_ON="${UNPACED_URL/$VAULT/$ON_URL}"
cpu_once() { # pid url   CPU µs per request of one wrk run
  local cpu
  read -r _ cpu _ <<<"$(EXPECT_NON2XX=1 wrk_rps "$1" "$2" "Authorization: Bearer $JWT" "x-amazon-token-secret: $SECRET")"
  echo "$cpu"
}
cpu_once "$VAULT_PID" "$UNPACED_URL" >/dev/null; cpu_once "$VAULT_B_PID" "$UNPACED_ON" >/dev/null # warm-up
off=(); on=()
for _ in $(seq 1 "$ROUNDS"); do
  off+=("$(cpu_once "$VAULT_PID" "$UNPACED_URL")"); on+=("$(cpu_once "$VAULT_B_PID" "$UNPACED_ON")")
done
stop "$VAULT_B_PID"; VAULT_B_PID=""
CPU_OFF="$(printf '%s\n' "${off[@]}" | median)"; CPU_ON="$(printf '%s\n' "${on[@]}" | median)"
echo "  rounds (µs per request): off ${off[*]}; on ${on[*]}"
echo "  vault CPU per request: pacing on $CPU_ON µs, off $CPU_OFF µs"
read -r r _ <<<"$(ratio_met "$CPU_ON" "$CPU_OFF" 0)"
figure "pacing: vault CPU per unpaced request, pacing on / off" "$r" "<= 1.0 (noise: a few %)" \
  "$(awk -v r="$r" 'BEGIN { print (r <= 1.05) ? "MET" : "MISSED" }')" | collect

echo
echo "== pacing through two vault instances on one PostgreSQL (the same load, clients alternating between them)"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[[ -x "$PG_BIN/initdb" ]] || { echo "bench: no PostgreSQL server binaries (apt-get install -y postgresql)" >&2; exit 1; }
pg_as_owner() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PG_DIR="$(mktemp -d /tmp/vault-bench-pg-XXXXXX)"
[[ "$(id -u)" == 0 ]] && chown postgres: "$PG_DIR"
PG_PORT="$(free_port)"
pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --no-sync >"$RUN/postgres.log" 2>&1
pg_as_owner "$PG_BIN/pg_ctl" start -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" >>"$RUN/postgres.log" 2>&1
psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
  -c "CREATE ROLE vault_owner LOGIN" -c "CREATE ROLE vault_app LOGIN" -c "CREATE DATABASE vault OWNER vault_owner" >>"$RUN/postgres.log"
stop "$VAULT_PID"; VAULT_PID=""
PG="Host=127.0.0.1;Port=$PG_PORT;Database=vault"
export VAULT_DATABASE="$PG;Username=vault_app" VAULT_DATABASE_OWNER="$PG;Username=vault_owner"
start_vault
VAULT_B_PORT="$(free_port)"; VAULT_B="http://127.0.0.1:$VAULT_B_PORT"
env $VAULT_ENV ASPNETCORE_URLS="$VAULT_B" dotnet "$VAULT_DLL" >>"$RUN/vault-b.log" 2>&1 &
VAULT_B_PID=$!
wait_for "$VAULT_B/readyz"
dotnet "$BENCH" seed "$VAULT" "$SIM" 0 "$RUN/state-pg.json" # a new warm seller: a fresh bucket at Amazon too
pace "$RUN/state-pg.json" "$VAULT,$VAULT_B"
read -r pg_calls pg_ok pg_a429 pg_v429 _ pg_served <<<"$PACE_RESULT"
pct="$(awk -v a="$pg_a429" -v c="$pg_calls" 'BEGIN { printf "%.2f", 100 * a / c }')"
figure "pacing, two instances on PostgreSQL: Amazon 429s / calls" "$pct % ($pg_a429 of $pg_calls; served beyond the burst $pg_served/s)" "<= 1 %" \
  "$(awk -v p="$pct" 'BEGIN { print (p <= 1) ? "MET" : "MISSED" }')" | collect

echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "== summary (logs in $RUN)"
grep '^figure:' "$FIGURES" | sed 's/^figure: //'
