#!/usr/bin/env bash
# bench/start-times.sh DLL|APPHOST N [VAR=value…]: N starts of the vault on a fresh SQLite database with a throwaway
# configuration; prints the time to the first /readyz 200, the CPU the process used by then and its RSS (bench/RESULTS.md).
dll="$1"; n="$2"; shift 2
tmp=$(mktemp -d)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
hex() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
export JWT_SECRET=$(hex) COOKIE_ENCRYPTION_KEY=$(hex) VAULT_DATABASE=$tmp/vault.db PUBLIC_BASE_URL=http://127.0.0.1:$port ASPNETCORE_URLS=http://127.0.0.1:$port ALLOWED_REDIRECT_ORIGINS=http://127.0.0.1:$port AMAZON_ENDPOINT_OVERRIDE="http://127.0.0.1:9/{host}" SPAPI_APP_ID=amzn1.sp.solution.x SPAPI_LWA_CLIENT_ID=amzn1.application-oa2-client.x SPAPI_LWA_CLIENT_SECRET=x ADS_LWA_CLIENT_ID=amzn1.application-oa2-client.y ADS_LWA_CLIENT_SECRET=y
tck=$(getconf CLK_TCK)
for i in $(seq "$n"); do
  t0=$(date +%s%N)
  if [[ "$dll" == *.dll ]]; then env "$@" dotnet "$dll" >"$tmp/log" 2>&1 & else env "$@" "$dll" >"$tmp/log" 2>&1 & fi
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do kill -0 "$pid" 2>/dev/null || { echo "the vault exited:"; tail -5 "$tmp/log"; exit 1; }; sleep 0.01; done
  t1=$(date +%s%N)
  cpu=$(awk -v t=$tck '{ print ($14+$15)*1000/t }' /proc/$pid/stat)
  rss=$(awk '/VmRSS/ {print $2/1024}' /proc/$pid/status)
  echo "ready $(( (t1-t0)/1000000 )) ms  cpu ${cpu} ms  rss ${rss} MiB"
  kill $pid; wait $pid 2>/dev/null
done
rm -rf "$tmp"
