using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Errors;

namespace Vault.Api.Sellers;

/// <summary>The <c>limit</c> and <c>cursor</c> of a paged list, and single-valued query parameters in general.</summary>
internal static class PageQuery
{
    public const int DefaultLimit = 100, MaxLimit = 500;

    public static ProblemHttpResult? Read(IQueryCollection query, out int limit, out string? cursor)
    {
        limit = DefaultLimit;
        cursor = null;
        if (Single(query, "limit", out var text) is { } problem)
            return problem;
        if (text is not null && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
            return Problems.InvalidRequest($"limit: an integer from 1 to {MaxLimit}");
        if (Single(query, "cursor", out cursor) is { } cursorProblem)
            return cursorProblem;
        return cursor is "" ? BadCursor() : null;
    }

    /// <summary>The parameter's one value, or null when absent; a repeated parameter is refused rather than guessed at.</summary>
    public static ProblemHttpResult? Single(IQueryCollection query, string name, out string? value)
    {
        var values = query[name];
        value = values.Count == 1 ? values[0] : null;
        return values.Count > 1 ? Problems.InvalidRequest($"{name}: send it once") : null;
    }

    /// <summary>The optional <c>since</c> of a list: an ISO-8601 time, UTC unless it says otherwise.</summary>
    public static ProblemHttpResult? Since(IQueryCollection query, out DateTimeOffset? since)
    {
        since = null;
        if (Single(query, "since", out var text) is { } problem)
            return problem;
        if (text is null)
            return null;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return Problems.InvalidRequest("since: an ISO-8601 date and time, such as 2025-01-31T00:00:00Z");
        since = parsed;
        return null;
    }

    public static ProblemHttpResult BadCursor() =>
        Problems.InvalidRequest("cursor: pass back the nextCursor of the previous page unchanged");
}
