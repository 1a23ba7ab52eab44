namespace TbScreen.Screening.Persistence;

/// <summary>
/// How an image is identified across files and uploads (see <see cref="Entities.Image.ImageKey"/>): by the SHA-256 of
/// the file's bytes, never by a UID alone. A UID is a claim any file can copy; reusing a result on it would hand one
/// image's result to other pixels (issue 17).
/// </summary>
public static class ImageKeys
{
    public static string? For(string? contentSha256) =>
        !string.IsNullOrWhiteSpace(contentSha256) ? "sha256:" + contentSha256.Trim().ToLowerInvariant() : null;

    /// <summary>The dedupe key of an outcome: null for processing-failed, which may succeed when tried again.</summary>
    public static string? DedupeKey(ScreeningOutcome outcome) =>
        outcome.Status == ScreeningStatus.ProcessingFailed ? null : For(outcome.ContentSha256);
}
