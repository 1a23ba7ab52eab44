using TbScreen.Screening;
using TbScreen.Screening.Persistence;
using TbScreen.Web.Api;

namespace TbScreen.Web.Reviews;

/// <summary>A review a radiologist submits: their read (tb or not-tb), the final label if it differs (culture, consensus), a note.</summary>
public sealed record ReviewRequest(string Label, string? FinalLabel = null, string? Note = null);

/// <summary>Why a review was refused; null members mean it was accepted.</summary>
public sealed record ReviewResult(ReviewInfo? Review, int? ErrorStatus, string? ErrorTitle, string? ErrorDetail);

/// <summary>Validates and records reviews (confirm or override), each one audited with the reviewer's name.</summary>
public sealed class ReviewService(IScreeningStore store)
{
    public const int MaxNoteLength = 2000;

    public static readonly string[] Labels = [DecisionText.Tb, DecisionText.NotTb];

    /// <summary>Field name → message for every problem with the request; empty when it is valid.</summary>
    public static Dictionary<string, string[]> Validate(ReviewRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Labels.Contains(request.Label))
        {
            errors["label"] = [$"The label must be one of {string.Join(", ", Labels)}."];
        }

        if (request.FinalLabel is not null && !Labels.Contains(request.FinalLabel))
        {
            errors["finalLabel"] = [$"The final label, when given, must be one of {string.Join(", ", Labels)}."];
        }

        if (request.Note is { Length: > MaxNoteLength })
        {
            errors["note"] = [$"The note may be at most {MaxNoteLength} characters."];
        }

        return errors;
    }

    public async Task<ReviewResult> AddAsync(long resultId, string reviewer, ReviewRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(reviewer);
        if (Validate(request).Count > 0)
        {
            return new ReviewResult(null, StatusCodes.Status400BadRequest, "Invalid review", "See the errors.");
        }

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

        string note = string.IsNullOrWhiteSpace(request.Note) ? "" : request.Note.Trim();
        var review = await store.AddReviewAsync(resultId, reviewer, request.Label, request.FinalLabel ?? request.Label, note.Length == 0 ? null : note, cancellationToken);
        string verb = request.Label == stored.Outcome.Decision ? "confirm" : "override";
        await store.RecordAsync(reviewer, AuditActions.ReviewRecorded, $"result/{resultId}",
            $"{verb}: model {stored.Outcome.Decision}, read {request.Label}, final {request.FinalLabel ?? request.Label}", cancellationToken);
        return new ReviewResult(review, null, null, null);
    }
}
