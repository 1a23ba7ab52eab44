namespace TbScreen.Web.Api.Contracts;

/// <summary>POST /api/jobs: a folder on the server (under TbScreen:Jobs:AllowedRoots).</summary>
/// <param name="Site">The site the folder's images come from (else the site rules decide per image).</param>
public sealed record CreateJobRequest(string Folder, bool Recursive = true, string? Site = null);

/// <summary>
/// GET /api/jobs/{id}. State: queued, running, completed, or cancelled (the job itself stopped, not just some
/// of its items: its folder vanished, the database failed).
/// </summary>
public sealed record JobResponse
{
    public required string Id { get; init; }
    public required string Folder { get; init; }
    public bool Recursive { get; init; }

    /// <summary>folder (a server folder an admin named) or upload (files a user uploaded as a job).</summary>
    public string Kind { get; init; } = "folder";
    public required string State { get; init; }
    public required JobCounts Counts { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string Notice { get; init; } = ResearchNotice.Text;
}

/// <summary>done = succeeded + failed; failedByCode counts failures per status code (invalid-dicom, ...).</summary>
public sealed record JobCounts(int Total, int Done, int Succeeded, int Failed, IReadOnlyDictionary<string, int> FailedByCode);

/// <summary>
/// One file of a job with its result: the job page's table and the CSV export. <paramref name="Index"/> is the item's
/// 1-based place in the job and <paramref name="ContentSha256"/> its file's hash: what the de-identified CSV names it by.
/// </summary>
public sealed record JobResultRow(
    long ItemId,
    string File,
    string Status,
    string? Error,
    long? ResultId,
    string? Decision,
    double? Ensemble,
    string? Flag,
    string? FlagReason,
    int Index = 0,
    string? ContentSha256 = null);
