using System.Runtime.InteropServices;

namespace Vault.Api.Tokens;

/// <summary>
/// Gives scrypt's 16 MiB working buffers back to the system as soon as each derivation ends. OpenSSL takes them
/// with malloc; glibc serves an allocation that large with mmap at first, but after the first one is freed it raises
/// its mmap threshold past 16 MiB and from then on serves them from per-thread arenas, which keep the freed memory.
/// Derivations run on whichever thread-pool thread is free, so each of a dozen threads ended up holding 16 MiB or
/// more: bench/run.sh measured a peak RSS of 313 MiB for 1,000 concurrent cold requests, 181 MiB with the threshold
/// fixed at glibc's default of 128 KiB (which is what this does; it also stops the dynamic raising).
/// </summary>
internal static class ScryptMemory
{
    private const int MmapThresholdOption = -3; // M_MMAP_THRESHOLD in glibc's malloc.h
    private const int MmapThresholdBytes = 128 * 1024;
    private const int ArenaMaxOption = -8; // M_ARENA_MAX
    private const int ArenaMax = 2;

    /// <summary>Once per process, before the first derivation. Does nothing where glibc's malloc is not in use.</summary>
    public static void ReturnBuffersToTheSystem()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            _ = NativeMethods.mallopt(MmapThresholdOption, MmapThresholdBytes);
            // glibc gives each busy thread its own arena (up to 8 per core) and each keeps its freed native memory
            // (SQLite, OpenSSL, libsodium): the 60 s soak saw RSS wander 130 → 148 MiB with a 7.7 MiB GC heap.
            // Two arenas is the usual setting for .NET services (the MALLOC_ARENA_MAX=2 advice), set here so it holds
            // however the process is started.
            _ = NativeMethods.mallopt(ArenaMaxOption, ArenaMax);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl, say): its allocator returns large blocks by itself.
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc.so.6", ExactSpelling = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int mallopt(int param, int value);
    }
}
