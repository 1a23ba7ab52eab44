using TbScreen.Screening;
using TbScreen.Screening.Persistence;

namespace TbScreen.Web.Api;

/// <summary>One upload: screen it (or find it stored), keep the result, and write the audit event.</summary>
internal sealed class UploadScreening(IScreeningPipeline pipeline, IScreeningStore store)
{
    public async Task<StoredOutcome> ScreenAsync(IFormFile file, string fileName, CancellationToken cancellationToken)
    {
        await using var content = file.OpenReadStream();
        var outcome = pipeline.Screen(content, fileName, cancellationToken);
        // Racing uploads of one image all screen it, but the store keeps the first row and hands it to the others.
        var stored = await store.SaveOutcomeAsync(outcome, cancellationToken);
        await store.RecordAsync(ApiActors.Anonymous, AuditActions.ScreeningUploaded, $"result/{stored.ResultId}", fileName, cancellationToken);
        return stored;
    }
}
