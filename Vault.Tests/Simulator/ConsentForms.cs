using System.Net;
using System.Text.RegularExpressions;

namespace Vault.Tests.Simulator;

/// <summary>Reads the consent page's forms and submits one, as a browser would on a click.</summary>
public static partial class ConsentForms
{
    public static async Task<HttpResponseMessage> ClickAsync(RunningSimulator sim, Uri consentPage, string buttonId)
    {
        ArgumentNullException.ThrowIfNull(sim);
        using var page = await sim.Http.GetAsync(consentPage);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();

        var form = FormPattern().Matches(html).Single(m => m.Groups["body"].Value.Contains($"id=\"{buttonId}\"", StringComparison.Ordinal));
        var fields = InputPattern().Matches(form.Groups["body"].Value)
            .Select(i => KeyValuePair.Create(WebUtility.HtmlDecode(i.Groups["name"].Value), WebUtility.HtmlDecode(i.Groups["value"].Value)));
        var action = new Uri(consentPage, WebUtility.HtmlDecode(form.Groups["action"].Value));
        using var content = new FormUrlEncodedContent(fields);
        return await sim.Http.PostAsync(action, content);
    }

    [GeneratedRegex("""<form method="post" action="(?<action>[^"]*)">(?<body>.*?)</form>""", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]*)" value="(?<value>[^"]*)">""")]
    private static partial Regex InputPattern();
}
