using Vault.Bench;

// bench/run.sh runs each benchmark by name; every figure is a ratio against a reference in the same run.
var name = args.Length > 0 ? args[0] : "kdf";
return name switch
{
    "kdf" => await KdfBenchmark.RunAsync(
        args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "kdf-node.js"),
        rounds: 5,
        iterations: 20),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Vault.Bench kdf [path/to/kdf-node.js]");
    return 2;
}
