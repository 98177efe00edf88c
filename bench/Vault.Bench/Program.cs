using System.Globalization;
using Vault.Bench;

// bench/run.sh runs each benchmark by name; every figure is a ratio (or delta) against a reference in the same run.
var name = args.Length > 0 ? args[0] : "kdf";
string Arg(int i, string fallback) => args.Length > i ? args[i] : fallback;
int Int(int i, int fallback) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : fallback;
double Dbl(int i, double fallback) => args.Length > i ? double.Parse(args[i], CultureInfo.InvariantCulture) : fallback;

return name switch
{
    "kdf" => await KdfBenchmark.RunAsync(Arg(1, Path.Combine(AppContext.BaseDirectory, "kdf-node.js")), rounds: 5, iterations: 20),
    "seed" => await Seeding.RunAsync(vault: args[1], simulator: args[2], count: Int(3, 1000), output: args[4]),
    "latency" => await ConstantRate.RunAsync(BenchState.Load(args[1]), rate: Int(2, 500), seconds: Dbl(3, 10), warmupSeconds: Dbl(4, 2), rounds: Int(5, 2),
        again: args.Length > 6 && args[6] == "again", bare: args.Length > 6 && args[6].StartsWith("bare=", StringComparison.Ordinal) ? args[6][5..] : null),
    "cold" => await ColdBenchmarks.ColdAsync(BenchState.Load(args[1]), from: Int(2, 0), count: Int(3, 200), concurrency: Int(4, 16)),
    "flood" => await ColdBenchmarks.FloodAsync(BenchState.Load(args[1]), count: Int(2, 1000), pid: Int(3, 0)),
    "bare-proxy" => await BareProxy.RunAsync(url: args[1], target: args[2], accessToken: args[3]),
    "startup" => await ColdBenchmarks.StartupAsync(dll: args[1], url: args[2], runs: Int(3, 3), idleSeconds: Dbl(4, 3), bareIdleMiB: Dbl(5, 0)),
    "warm" => await ManySellers.WarmAsync(BenchState.Load(args[1]), count: Int(2, 1000), concurrency: Int(3, 16), spreadScript: args[4], oneScript: args[5]),
    "memory" => await ManySellers.MemoryAsync(BenchState.Load(args[1]), pid: Int(2, 0), count: Int(3, 10_000), concurrency: Int(4, 16)),
    "pace" => await PacingLoad.RunAsync(BenchState.Load(args[1]), path: args[2], rate: Dbl(3, 2), burst: Int(4, 2), clients: Int(5, 16), seconds: Dbl(6, 60),
        factor: Dbl(7, 3), vaults: args[8].Split(',')),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Vault.Bench kdf [path/to/kdf-node.js]
               Vault.Bench seed <vault-url> <simulator-url> <cold-sellers> <state.json>   (JWT_SECRET in the environment)
               Vault.Bench latency <state.json> [rate=500] [seconds=10] [warmup-seconds=2] [rounds=2] [again (direct in both places) | bare=<url> (the bare forwarder in the vault's place)]
               Vault.Bench cold <state.json> [from=0] [count=200] [concurrency=16]
               Vault.Bench flood <state.json> [count=1000] <vault-pid>
               Vault.Bench bare-proxy <listen-url> <target-base-url> <access-token>
               Vault.Bench startup <Vault.Api.dll> <vault-url> [runs=3] [idle-seconds=3] [bare-forwarder-idle-MiB]   (vault environment inherited)
               Vault.Bench warm <state.json> <count> <concurrency> <spread.lua> <one.lua>
               Vault.Bench memory <state.json> <vault-pid> [count=10000] [concurrency=16]
               Vault.Bench pace <state.json> <path> <rate> <burst> <clients> <seconds> <factor> <vault-url>[,<vault-url>…]
        """);
    return 2;
}

internal static partial class Program
{
    /// <summary>One figure, in the one format bench/run.sh collects into its summary.</summary>
    public static void Figure(string name, string value, string target, bool met) =>
        Console.WriteLine($"figure: {name} = {value}   target {target}   {(met ? "MET" : "MISSED")}");
}
