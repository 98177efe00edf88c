using System.Text.Json.Serialization;

namespace Vault.AmazonSimulator.SpApi;

public sealed record ReportDocument(
    [property: JsonPropertyName("reportDocumentId")] string ReportDocumentId,
    [property: JsonPropertyName("url")] string Url);

/// <summary>
/// Reports API 2021-06-30, getReportDocument: https://developer-docs.amazon.com/sp-api/docs/reports-api-v2021-06-30-reference.
/// A document of a restricted report type (one holding PII) is served only with a Restricted Data Token that names its
/// specific path: https://developer-docs.amazon.com/sp-api/docs/tokens-api-use-case-guide (restricted report types).
/// </summary>
public static class ReportsApi
{
    /// <summary>A sample document of a restricted report type (GET_FLAT_FILE_ORDER_REPORT_DATA_SHIPPING).</summary>
    public const string RestrictedDocumentId = "amzn1.spdoc.1.4.na.sim-order-report-shipping";

    /// <summary>A sample document of an ordinary report type (GET_MERCHANT_LISTINGS_ALL_DATA).</summary>
    public const string OrdinaryDocumentId = "amzn1.spdoc.1.4.na.sim-merchant-listings";

    private static readonly Dictionary<string, bool> Documents = new(StringComparer.Ordinal)
    {
        [RestrictedDocumentId] = true,
        [OrdinaryDocumentId] = false,
    };

    public static RouteGroupBuilder MapReports(this RouteGroupBuilder sp)
    {
        ArgumentNullException.ThrowIfNull(sp);
        sp.MapGet("/reports/2021-06-30/documents/{reportDocumentId}", GetReportDocument).WithMetadata(SpApiOperations.GetReportDocument);
        return sp;
    }

    private static IResult GetReportDocument(string reportDocumentId, HttpContext http)
    {
        if (!Documents.TryGetValue(reportDocumentId, out var restricted))
        {
            return SpApiErrors.NotFound();
        }

        if (restricted && !http.Caller().ViaRestrictedDataToken)
        {
            return SpApiErrors.Unauthorized("A restricted report type needs a Restricted Data Token.");
        }

        // A pre-signed S3 URL in Amazon's answer; the simulator serves no document bytes.
        return Results.Json(new ReportDocument(reportDocumentId, $"https://tortuga-prod-na.s3-external-1.amazonaws.com/{reportDocumentId}"));
    }
}
