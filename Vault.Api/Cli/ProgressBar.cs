namespace Vault.Api.Cli;

/// <summary>One line redrawn in place (carriage return), for the bulk commands.</summary>
internal static class ProgressBar
{
    public static Task WriteAsync(TextWriter output, int done, int total)
    {
        const int width = 30;
        var filled = total == 0 ? width : done * width / total;
        return output.WriteAsync($"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{total}");
    }
}
