using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Errors;
using Vault.Storage;

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
    public static ProblemHttpResult? Since(IQueryCollection query, out DateTimeOffset? since) => Time(query, "since", out since);

    /// <summary>An optional time parameter: ISO-8601, UTC unless it says otherwise.</summary>
    public static ProblemHttpResult? Time(IQueryCollection query, string name, out DateTimeOffset? value)
    {
        value = null;
        if (Single(query, name, out var text) is { } problem)
            return problem;
        if (text is null)
            return null;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return Problems.InvalidRequest($"{name}: an ISO-8601 date and time, such as 2025-01-31T00:00:00Z");
        value = parsed;
        return null;
    }

    /// <summary>
    /// Runs a paged store query and shapes its page; a cursor the store cannot read (it throws <see cref="ArgumentException"/>)
    /// is the caller's 400, not a 500.
    /// </summary>
    public static async Task<Results<Ok<TPage>, ProblemHttpResult>> PageAsync<TItem, TPage>(Func<Task<Page<TItem>>> query, Func<Page<TItem>, TPage> shape)
    {
        Page<TItem> page;
        try
        {
            page = await query();
        }
        catch (ArgumentException)
        {
            return BadCursor();
        }
        return TypedResults.Ok(shape(page));
    }

    public static ProblemHttpResult BadCursor() =>
        Problems.InvalidRequest("cursor: pass back the nextCursor of the previous page unchanged");
}
