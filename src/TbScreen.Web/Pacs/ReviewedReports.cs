using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TbScreen.Dicom.Network;
using TbScreen.Pacs;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;
using TbScreen.Web.Configuration;

namespace TbScreen.Web.Pacs;

/// <summary>
/// A review of a result that already went to PACS sends PACS a new, VERIFIED SR naming the reviewer and the final
/// read: the radiologist's confirmation reaches the reading room, not only the dashboard. Off without
/// TbScreen:Dicom:ForwardResults; results never sent to PACS are left alone.
/// </summary>
public sealed class ReviewedReports(IOptions<TbScreenOptions> options, IScreeningStore store, ContentStore content,
    IDbContextFactory<ScreeningDbContext> contexts, ILogger<ReviewedReports> logger)
{
    /// <returns>The new SR's SOP Instance UID, or null when nothing was queued.</returns>
    public async Task<string?> AfterReviewAsync(long resultId, string reviewer, string finalRead, CancellationToken cancellationToken)
    {
        if (options.Value.Dicom.ForwardResults is not { } to)
        {
            return null;
        }

        var outbox = new DicomOutboxStore(contexts);
        if ((await outbox.ForResultAsync(resultId, cancellationToken)).Count == 0)
        {
            return null;
        }

        try
        {
            var verification = new ReportVerification(reviewer, options.Value.Dicom.VerifyingOrganization, DateTimeOffset.UtcNow, finalRead);
            return await new ResultDelivery(outbox, store, content, logger).EnqueueVerifiedReportAsync(resultId, DicomPeer.Parse(to), verification, cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or TbScreen.Dicom.DicomException)
        {
            // The review itself stands; only the PACS copy of it could not be built.
            logger.LogWarning("Result {ResultId}: the verified report cannot be sent to PACS: {Reason}", resultId, e.Message);
            return null;
        }
    }
}
