using TbScreen.Screening;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Api;

/// <summary>What became of one upload: refused by type (nothing stored), or screened (successfully or not).</summary>
public sealed record ScreenedUpload(string FileName, StoredOutcome? Stored, string? Refusal)
{
    public bool Screened => Stored is { Outcome.Status: ScreeningStatus.Ok };
}

/// <summary>
/// One upload, from the API or the dashboard: sniff the type, screen it (or find it stored) through the persistent
/// service, and write the audit event in the uploader's name.
/// </summary>
public sealed class UploadScreening(PersistentScreeningService screening)
{
    /// <param name="content">A seekable stream (the form reader and the dashboard both buffer uploads).</param>
    public Task<ScreenedUpload> ScreenAsync(Stream content, string fileName, string actor, CancellationToken cancellationToken) =>
        ScreenAsync(content, fileName, actor, site: null, cancellationToken);

    /// <param name="site">The site chosen for the upload (null: the site rules decide); an unknown name throws UnknownSiteException.</param>
    public async Task<ScreenedUpload> ScreenAsync(Stream content, string fileName, string actor, string? site, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        if (UploadSniffer.Detect(content) == UploadSniffer.Kind.Unknown)
        {
            return new ScreenedUpload(fileName, null, "not a DICOM, PNG or JPEG file (judged by its content, not its name)");
        }

        // The service keeps the bytes in the content store and dedupes by their SHA-256 and the model version; racing
        // uploads of one image may each screen it, but the store keeps one row and returns it to all.
        // The audit row commits with the result (issue 17), and names the file's hash, not its name: names often carry
        // the patient's.
        var stored = await screening.ScreenAsync(content, fileName, site, s => new AuditEntry(actor, AuditActions.ScreeningUploaded, $"result/{s.ResultId}",
            s.Outcome.ContentSha256 is { Length: >= 12 } sha ? $"sha256 {sha[..12]}" : null), cancellationToken);
        return new ScreenedUpload(fileName, stored, null);
    }
}
