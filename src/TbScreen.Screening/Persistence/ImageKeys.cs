namespace TbScreen.Screening.Persistence;

/// <summary>How an image is identified across files and uploads (see <see cref="Entities.Image.ImageKey"/>).</summary>
public static class ImageKeys
{
    public static string? For(string? sopInstanceUid, string? contentSha256) =>
        !string.IsNullOrWhiteSpace(sopInstanceUid) ? "sop:" + sopInstanceUid.Trim()
        : !string.IsNullOrWhiteSpace(contentSha256) ? "sha256:" + contentSha256.Trim().ToLowerInvariant()
        : null;

    /// <summary>The dedupe key of an outcome: null for processing-failed, which may succeed when tried again.</summary>
    public static string? DedupeKey(ScreeningOutcome outcome) =>
        outcome.Status == ScreeningStatus.ProcessingFailed ? null : For(outcome.SopInstanceUid, outcome.ContentSha256);
}
