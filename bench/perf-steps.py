# Charges each sample of a `perf script -F comm,tid,ip,sym,dso` dump of the vault to the innermost frame that belongs to a
# step of a proxied call and prints the shares (and µs per request, given the CPU per request as the second argument).
# Usage: perf script -i perf.data -F comm,tid,ip,sym,dso > dump.txt; python3 bench/perf-steps.py dump.txt 295
# Record with DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 so perf can name JIT-compiled code (bench/RESULTS.md).
import sys, collections
cats = [
 ("sqlite read", ["Vault.Storage", "libe_sqlite3", "Microsoft.Data.Sqlite", "SQLitePCL"]),
 ("access-token cache, HMAC", ["Vault.Api.Tokens", "Vault.Crypto"]),
 ("pacing", ["Vault.Api.Pacing"]),
 ("jwt authentication", ["Microsoft.AspNetCore.Authentication", "IdentityModel", "Vault.Api.Auth"]),
 ("authorization", ["Authorization"]),
 ("polly / resilience", ["Polly", "Http.Resilience", "Microsoft.Extensions.Resilience"]),
 ("outgoing HttpClient", ["System.Net.Http"]),
 ("yarp forwarder", ["Yarp."]),
 ("vault proxy handler, lead-in", ["Vault.Api.Proxy", "Vault.Api.Sellers", "Vault.Api.Amazon"]),
 ("vault metrics", ["Vault.Api.Observability.Prometheus", "System.Diagnostics.Metrics", "System.Diagnostics.DiagnosticSource"]),
 ("vault middlewares", ["Vault.Api"]),
 ("routing, minimal-API glue, DI", ["Microsoft.AspNetCore.Routing", "RequestDelegateFactory", "Microsoft.AspNetCore.Http.Extensions", "dynamicClass::lambda", "DependencyInjection"]),
 ("aspnet diagnostics middlewares", ["Microsoft.AspNetCore.Diagnostics"]),
 ("kestrel, hosting", ["Kestrel", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http"]),
 ("sockets", ["System.Net.Sockets"]),
 ("threadpool, async machinery", ["System.Threading", "AsyncTaskMethodBuilder", "AsyncMethodBuilderCore"]),
]
tot=0; c=collections.Counter(); k=collections.Counter()
def flush(frames):
    global tot
    if not frames: return
    tot+=1
    kern = "[kernel" in frames[0]
    cat="other (runtime, GC threads, JIT)"
    for f in frames:
        for name,keys in cats:
            if any(x in f for x in keys): cat=name; break
        else: continue
        break
    c[cat]+=1
    if kern: k[cat]+=1
frames=[]
for line in open(sys.argv[1], errors="replace"):
    if not line.startswith("\t") and not line.startswith(" "):
        flush(frames); frames=[]; continue
    s=line.strip()
    if s: frames.append(s)
flush(frames)
us = float(sys.argv[2]) if len(sys.argv)>2 else 0
for cat,n in c.most_common():
    print(f"{100*n/tot:6.2f}%  {us*n/tot:6.1f} µs  (kernel {100*k[cat]/tot:5.2f}%)  {cat}")
print(tot)
