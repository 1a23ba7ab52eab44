using System.ComponentModel.DataAnnotations;
using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;
using TbScreen.Web.Components.Models;

namespace TbScreen.Web.Reviews;

/// <summary>
/// A radiologist's review: the final label (tb, not-tb or indeterminate) confirming or overriding the model, and a
/// note, required when it overrides. The same rules as the dashboard's review form (ReviewInput).
/// </summary>
public sealed record ReviewRequest(string? FinalLabel, string? Note = null);

/// <summary>The recorded review, or why it was refused (status, title, per-field errors).</summary>
public sealed record ReviewResult(ReviewInfo? Review, int? ErrorStatus, string? ErrorTitle, string? ErrorDetail, IDictionary<string, string[]>? Errors = null);

/// <summary>Validates and records reviews (confirm or override), each one audited with the reviewer's name.</summary>
public sealed class ReviewService(IScreeningStore store, Pacs.ReviewedReports? reviewedReports = null)
{
    public async Task<ReviewResult> AddAsync(long resultId, string reviewer, ReviewRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(reviewer);
        var stored = await store.GetResultAsync(resultId, cancellationToken);
        if (stored is null)
        {
            return new ReviewResult(null, StatusCodes.Status404NotFound, "Screening result not found", $"There is no screening result {resultId}.");
        }

        if (stored.Outcome.Status != ScreeningStatus.Ok)
        {
            return new ReviewResult(null, StatusCodes.Status409Conflict, "Not screened",
                $"Result {resultId} is {stored.Outcome.Status.ToCode()}; only screened images can be reviewed.");
        }

        var input = new ReviewInput { ModelDecision = stored.Outcome.Decision, FinalLabel = request.FinalLabel, Note = request.Note };
        if (Validate(input) is { Count: > 0 } errors)
        {
            return new ReviewResult(null, StatusCodes.Status400BadRequest, "Invalid review", string.Join(" ", errors.Values.SelectMany(v => v)), errors);
        }

        string? note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        // Read and FinalLabel carry the same value: the dashboard records the radiologist's final read in one step.
        string verb = input.OverridesModel ? "override" : "confirm";
        var review = await store.AddReviewAsync(resultId, reviewer, input.FinalLabel!, input.FinalLabel, note,
            new AuditEntry(reviewer, AuditActions.ReviewRecorded, $"result/{resultId}", $"{verb}: model {stored.Outcome.Decision}, final {input.FinalLabel}"), cancellationToken);
        if (reviewedReports is not null)
        {
            await reviewedReports.AfterReviewAsync(resultId, reviewer, input.FinalLabel!, cancellationToken);
        }

        return new ReviewResult(review, null, null, null);
    }

    /// <summary>Field (camelCase) → messages, from the form's DataAnnotations rules.</summary>
    public static Dictionary<string, string[]> Validate(ReviewInput input)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(input, new ValidationContext(input), results, validateAllProperties: true);
        return results
            .SelectMany(r => (r.MemberNames.Any() ? r.MemberNames : [""]).Select(m => (Member: m, r.ErrorMessage)))
            .GroupBy(x => x.Member.Length == 0 ? "" : char.ToLowerInvariant(x.Member[0]) + x.Member[1..])
            .ToDictionary(g => g.Key, g => g.Select(x => x.ErrorMessage ?? "invalid").ToArray());
    }
}
