using TbScreen.Screening;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Api;

/// <summary>One upload: screen it (or find it stored) through the persistent service, and write the audit event.</summary>
internal sealed class UploadScreening(PersistentScreeningService screening)
{
    public async Task<StoredOutcome> ScreenAsync(IFormFile file, string fileName, CancellationToken cancellationToken)
    {
        await using var content = file.OpenReadStream();
        // The service keeps the bytes in the content store and dedupes by SOP Instance UID (else SHA-256) and model
        // version; racing uploads of one image may each screen it, but the store keeps one row and returns it to all.
        var stored = await screening.ScreenAsync(content, fileName, cancellationToken);
        await screening.Store.RecordAsync(ApiActors.Anonymous, AuditActions.ScreeningUploaded, $"result/{stored.ResultId}", fileName, cancellationToken);
        return stored;
    }
}
