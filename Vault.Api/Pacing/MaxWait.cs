using System.Globalization;

namespace Vault.Api.Pacing;

/// <summary>The caller's <c>x-vault-max-wait</c>: how many seconds a paced call may wait for its token (docs/API.md "Pacing").</summary>
public static class MaxWait
{
    public const string Header = "x-vault-max-wait";
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);

    /// <summary>The wait the caller allows; false with the reason for a value that is not one number of seconds from 0 to 60.</summary>
    public static bool TryRead(IHeaderDictionary headers, out TimeSpan maxWait, out string? problem)
    {
        maxWait = Default;
        problem = null;
        if (!headers.TryGetValue(Header, out var values))
            return true;
        if (values.Count == 1 && double.TryParse(values[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            && double.IsFinite(seconds) && seconds <= Longest.TotalSeconds)
        {
            maxWait = TimeSpan.FromSeconds(seconds);
            return true;
        }
        problem = $"{Header}: one number of seconds from 0 to {Longest.TotalSeconds:0}";
        return false;
    }
}
