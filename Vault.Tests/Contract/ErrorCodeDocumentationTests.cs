using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Errors;
using Vault.Tests.Deploy;

namespace Vault.Tests.Contract;

/// <summary>
/// Issue 13: every problem <c>type</c> the vault answers resolves to a real anchor of docs/API.md. The codes are
/// collected from the source (every <c>Problems.Create</c> call and the framework defaults) and from the Problems
/// helpers themselves, so adding a code without documenting it fails here.
/// </summary>
public sealed partial class ErrorCodeDocumentationTests
{
    private static readonly string ApiSource = DeployFiles.PathOf("Vault.Api");

    [Fact]
    public void ProblemTypesPointAtTheRepositorysOwnContract()
    {
        Assert.StartsWith("https://github.com/", Problems.TypeBase, StringComparison.Ordinal);
        Assert.EndsWith("/blob/main/docs/API.md#error-", Problems.TypeBase, StringComparison.Ordinal);
        Assert.True(File.Exists(DeployFiles.PathOf("docs", "API.md")));
    }

    [Fact]
    public void EveryErrorCodeInTheSourceHasAnAnchorInDocsApi()
    {
        var codes = CodesInSource();
        Assert.Contains("invalid_request", codes);
        Assert.Contains("internal_error", codes);
        var anchors = DocumentedAnchors();
        var missing = codes.Where(code => !anchors.Contains(Anchor(code))).ToList();
        Assert.True(missing.Count == 0, "docs/API.md \"Errors\" has no <a id=\"error-…\"> for: " + string.Join(", ", missing));
    }

    [Fact]
    public void DocsApiHasAnAnchorOnlyForCodesTheVaultAnswers()
    {
        var codes = CodesInSource().Select(Anchor).ToHashSet(StringComparer.Ordinal);
        var stale = DocumentedAnchors().Where(anchor => !codes.Contains(anchor)).ToList();
        Assert.True(stale.Count == 0, "docs/API.md documents codes nothing answers: " + string.Join(", ", stale));
    }

    [Fact]
    public void EveryProblemsCallNamesItsStatusAndCodeAsLiterals()
    {
        // Otherwise CodesInSource could not see the code, and an undocumented one would slip through.
        var unreadable = new List<string>();
        foreach (var file in SourceFiles())
        {
            var text = File.ReadAllText(file);
            var calls = Path.GetFileName(file) == "Problems.cs" ? LocalCreateCall() : ProblemsCreateCall();
            foreach (Match call in calls.Matches(text))
            {
                if (!LiteralCreateCall().IsMatch(text.AsSpan(), call.Index))
                    unreadable.Add($"{Path.GetFileName(file)}:{text[..call.Index].Count(c => c == '\n') + 1}");
            }
        }
        Assert.True(unreadable.Count == 0, "Problems.Create with a status or code that is not a literal: " + string.Join(", ", unreadable));
    }

    [Fact]
    public void EveryProblemsHelperAnswersATypeThatIsItsDocumentedAnchor()
    {
        var anchors = DocumentedAnchors();
        var helpers = typeof(Problems).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == typeof(ProblemHttpResult)).ToList();
        Assert.True(helpers.Count >= 8, $"only {helpers.Count} helpers found");
        foreach (var helper in helpers)
        {
            var arguments = helper.GetParameters().Select(Sample).ToArray();
            var problem = ((ProblemHttpResult)helper.Invoke(null, arguments)!).ProblemDetails;
            var code = (string)problem.Extensions["code"]!;
            Assert.Equal(Problems.TypeBase + Anchor(code)["error-".Length..], problem.Type);
            Assert.True(anchors.Contains(Anchor(code)), $"{helper.Name} answers {code}, which docs/API.md does not document");
        }
    }

    private static object? Sample(ParameterInfo parameter) => parameter.ParameterType switch
    {
        var t when t == typeof(string) && parameter.Name == "code" => "invalid_request",
        var t when t == typeof(string) => "field: a detail",
        var t when t == typeof(int) => 400,
        var t when t == typeof(TimeSpan) => TimeSpan.FromSeconds(1),
        _ => parameter.HasDefaultValue ? parameter.DefaultValue : null,
    };

    private static string Anchor(string code) => "error-" + code.Replace('_', '-');

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(ApiSource, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    /// <summary>Every code the vault's source can answer: Problems.Create literals and the defaults of ProblemDetailsExtensions.</summary>
    private static SortedSet<string> CodesInSource()
    {
        var codes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in SourceFiles())
        {
            var text = File.ReadAllText(file);
            foreach (Match match in AnyLiteralCreateCall().Matches(text))
                codes.Add(match.Groups["code"].Value);
            foreach (Match match in DefaultCode().Matches(text))
                codes.Add(match.Groups["code"].Value);
            foreach (Match match in CodeExtension().Matches(text))
                codes.Add(match.Groups["code"].Value);
        }
        return codes;
    }

    private static HashSet<string> DocumentedAnchors() =>
        AnchorTag().Matches(File.ReadAllText(DeployFiles.PathOf("docs", "API.md"))).Select(m => m.Groups["id"].Value).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex("""\G(?:Problems\.)?Create\(\s*(?:\d{3}|StatusCodes\.Status\d{3}\w*)\s*,\s*"(?<code>[a-z][a-z0-9_]*)"\s*,""")]
    private static partial Regex LiteralCreateCall();

    [GeneratedRegex("""(?:Problems\.|(?<![.\w]))Create\(\s*(?:\d{3}|StatusCodes\.Status\d{3}\w*)\s*,\s*"(?<code>[a-z][a-z0-9_]*)"\s*,""")]
    private static partial Regex AnyLiteralCreateCall();

    [GeneratedRegex(@"\bProblems\.Create\(")]
    private static partial Regex ProblemsCreateCall();

    /// <summary>Calls inside Problems.cs itself; not the declaration.</summary>
    [GeneratedRegex(@"(?<!ProblemHttpResult )(?<![.\w])Create\(")]
    private static partial Regex LocalCreateCall();

    /// <summary>ProblemDetailsExtensions.DefaultFor: <c>404 => ("not_found", "…")</c>.</summary>
    [GeneratedRegex("""=>\s*\("(?<code>[a-z][a-z0-9_]*)",""")]
    private static partial Regex DefaultCode();

    [GeneratedRegex(@"\[""code""\]\s*=\s*""(?<code>[a-z][a-z0-9_]*)""")]
    private static partial Regex CodeExtension();

    [GeneratedRegex("""<a id="(?<id>error-[a-z0-9-]+)"></a>""")]
    private static partial Regex AnchorTag();
}
