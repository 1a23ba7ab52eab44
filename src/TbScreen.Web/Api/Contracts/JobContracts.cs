namespace TbScreen.Web.Api.Contracts;

/// <summary>POST /api/jobs: a folder on the server (under TbScreen:Jobs:AllowedRoots).</summary>
public sealed record CreateJobRequest(string Folder, bool Recursive = true);

/// <summary>
/// GET /api/jobs/{id}. State: queued, running, completed, or cancelled (the job itself stopped, not just some
/// of its items: its folder vanished, the database failed).
/// </summary>
public sealed record JobResponse
{
    public required string Id { get; init; }
    public required string Folder { get; init; }
    public bool Recursive { get; init; }
    public required string State { get; init; }
    public required JobCounts Counts { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string Notice { get; init; } = ResearchNotice.Text;
}

/// <summary>done = succeeded + failed; failedByCode counts failures per status code (invalid-dicom, ...).</summary>
public sealed record JobCounts(int Total, int Done, int Succeeded, int Failed, IReadOnlyDictionary<string, int> FailedByCode);
