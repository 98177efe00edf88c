#!/usr/bin/env bash
# Demo mode: the Amazon simulator and the vault on loopback with freshly generated development keys and an
# embedded SQLite database (data/demo.db). Prints a caller JWT, a seller secret and three commands to try.
# Nothing here is fit for production: the keys are printed and the "Amazon" is a local simulator.
set -euo pipefail
cd "$(dirname "$0")"

VAULT_PORT="${VAULT_PORT:-8080}"
SIM_PORT="${SIM_PORT:-9100}"
VAULT="http://127.0.0.1:${VAULT_PORT}"
SIM="http://127.0.0.1:${SIM_PORT}"
OUT="artifacts/demo"

echo "building…" >&2
dotnet build Vault.Api -c Release -o "$OUT/vault" -nologo -v quiet -clp:NoSummary >&2
dotnet build Vault.AmazonSimulator -c Release -o "$OUT/simulator" -nologo -v quiet -clp:NoSummary >&2

random_hex() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }
export JWT_SECRET="$(random_hex)"
export COOKIE_ENCRYPTION_KEY="$(random_hex)"
export VAULT_DATABASE="${VAULT_DATABASE:-data/demo.db}"
export PUBLIC_BASE_URL="$VAULT"
export ASPNETCORE_URLS="$VAULT"
export ALLOWED_REDIRECT_ORIGINS="$VAULT"
export AMAZON_ENDPOINT_OVERRIDE="$SIM/{host}"
export SPAPI_APP_ID="amzn1.sp.solution.simulator"
export SPAPI_LWA_CLIENT_ID="amzn1.application-oa2-client.simspapi"
export SPAPI_LWA_CLIENT_SECRET="sim-spapi-secret"
export ADS_LWA_CLIENT_ID="amzn1.application-oa2-client.simads"
export ADS_LWA_CLIENT_SECRET="sim-ads-secret"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

ASPNETCORE_URLS="$SIM" dotnet "$OUT/simulator/Vault.AmazonSimulator.dll" >"$OUT/simulator.log" 2>&1 &
pids+=($!)
dotnet "$OUT/vault/Vault.Api.dll" >"$OUT/vault.log" 2>&1 &
pids+=($!)

wait_for() {
  for _ in $(seq 1 100); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "demo: $1 did not come up; see $OUT/*.log" >&2
  exit 1
}
wait_for "$SIM/_sim/health"
wait_for "$VAULT/readyz"

JWT="$(dotnet "$OUT/vault/Vault.Api.dll" token mint --scope "connections:read connections:write amazon:call audit:read" --subject demo --minutes 480)"
SECRET="$(dotnet "$OUT/vault/Vault.Api.dll" secret new)"

# An Ads connection imported straight away (a self-authorized token from the simulator), so the Ads call works
# at once; SP-API goes through the real consent flow in the browser.
ADS_TOKEN="$(curl -fsS -X POST "$SIM/_sim/refresh-tokens" -H 'content-type: application/json' -d "{\"clientId\":\"$ADS_LWA_CLIENT_ID\"}" | jq -r .refreshToken)"
curl -fsS -o /dev/null -X PUT "$VAULT/v1/sellers/demo-seller/connections/ads" -H "Authorization: Bearer $JWT" \
  -H "x-amazon-token-secret: $SECRET" -H 'content-type: application/json' -d "{\"region\":\"na\",\"refreshToken\":\"$ADS_TOKEN\"}"
unset ADS_TOKEN

cat <<TEXT

The vault is running at $VAULT (Amazon simulator at $SIM). Logs: $OUT/vault.log
Development credentials for this run only:
  JWT=$JWT
  SECRET=$SECRET

Next, in another terminal:

1. Authorize the demo seller for SP-API: open the printed URL in a browser and click Allow.
   curl -s -X POST $VAULT/v1/sellers/demo-seller/authorizations -H "Authorization: Bearer $JWT" -H "x-amazon-token-secret: $SECRET" -H 'content-type: application/json' -d '{"api":"sp-api","region":"na","marketplaceId":"ATVPDKIKX0DER","redirectUrl":"$VAULT/healthz"}' | jq -r .authorizeUrl

2. Call SP-API through the vault:
   curl -s "$VAULT/v1/sellers/demo-seller/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER" -H "Authorization: Bearer $JWT" -H "x-amazon-token-secret: $SECRET"

3. Call the Ads API through the vault:
   curl -s $VAULT/v1/sellers/demo-seller/ads/v2/profiles -H "Authorization: Bearer $JWT" -H "x-amazon-token-secret: $SECRET"

Press Ctrl-C to stop.
TEXT

wait -n "${pids[@]}"
