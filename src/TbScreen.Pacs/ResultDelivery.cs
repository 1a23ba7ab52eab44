using Microsoft.Extensions.Logging;
using TbScreen.Dicom;
using TbScreen.Dicom.Network;
using TbScreen.Screening;
using TbScreen.Screening.Display;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Pacs;

/// <summary>
/// Results back to PACS through a persistent outbox. <see cref="EnqueueAsync"/> builds a result's SR and, when it
/// has a heatmap, its Secondary Capture, puts their bytes in the content store and their rows in the outbox, all
/// before anything is sent. <see cref="DeliverDueAsync"/> sends what is due; a failure keeps the row pending with
/// its error and a next attempt after an exponential back-off (30 s doubling to 1 h), so delivery survives restarts
/// and PACS outages. Logs carry ids and destinations, never patient data.
/// </summary>
public sealed class ResultDelivery(DicomOutboxStore outbox, IScreeningStore store, ContentStore content, ILogger logger)
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);

    /// <summary>
    /// Builds and queues the result's objects for <paramref name="destination"/>, or, with no destination, keeps them
    /// here for DICOMweb retrieval; returns the SOP Instance UIDs.
    /// </summary>
    public async Task<IReadOnlyList<string>> EnqueueAsync(long resultId, DicomPeer? destination, ScreeningPipeline pipeline,
        ReportVerification? verification = null, CancellationToken cancellationToken = default)
    {
        var stored = await store.GetResultAsync(resultId, cancellationToken) ?? throw new KeyNotFoundException($"screening result {resultId} does not exist");
        if (stored.Outcome.ContentSha256 is not { } sha || content.Get(sha) is not { } bytes)
        {
            throw new InvalidOperationException($"result {resultId}: the source image is not in the content store, so no report can name its patient and study");
        }

        var source = new DicomReader().Parse(bytes, $"result-{resultId}.dcm").Dataset;
        var queued = new List<NewDicomDelivery>();
        var report = ResultReport.Build(source, stored.Outcome, verification);
        string to = destination?.ToString() ?? "";
        bool send = destination is not null;
        queued.Add(new NewDicomDelivery(resultId, "sr", to, report.GetString(SrTags.SopInstanceUid)!, content.Put(ResultReport.Write(report)))
        {
            Send = send,
            StudyInstanceUid = report.GetString(SrTags.StudyInstanceUid)!,
            SeriesInstanceUid = report.GetString(SrTags.SeriesInstanceUid)!,
        });
        if (stored.Outcome.Heatmap is not null)
        {
            try
            {
                var capture = HeatmapCapture.Build(source, WindowLevelRenderer.Decode(bytes, $"result-{resultId}.dcm", pipeline.PixelDecoder), stored.Outcome, pipeline);
                queued.Add(new NewDicomDelivery(resultId, "sc", to, capture.GetString(SrTags.SopInstanceUid)!, content.Put(HeatmapCapture.Write(capture)))
                {
                    Send = send,
                    StudyInstanceUid = capture.GetString(SrTags.StudyInstanceUid)!,
                    SeriesInstanceUid = capture.GetString(SrTags.SeriesInstanceUid)!,
                });
            }
            catch (ArgumentException e)
            {
                // The report still goes; only the picture cannot be placed (e.g. the models changed since).
                logger.LogWarning("Result {ResultId}: no heatmap capture ({Reason})", resultId, e.Message);
            }
        }

        await outbox.AddAsync(queued, cancellationToken);
        return queued.Select(q => q.SopInstanceUid).ToList();
    }

    /// <summary>
    /// After a radiologist's review: a new SR, VERIFIED and naming the reviewer and the final read, queued for
    /// <paramref name="destination"/> (PACS keeps both; the newer verified one supersedes by content). Returns its UID.
    /// </summary>
    public async Task<string> EnqueueVerifiedReportAsync(long resultId, DicomPeer destination, ReportVerification verification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(verification);
        var stored = await store.GetResultAsync(resultId, cancellationToken) ?? throw new KeyNotFoundException($"screening result {resultId} does not exist");
        if (stored.Outcome.ContentSha256 is not { } sha || content.Get(sha) is not { } bytes)
        {
            throw new InvalidOperationException($"result {resultId}: the source image is not in the content store, so no report can name its patient and study");
        }

        var report = ResultReport.Build(new DicomReader().Parse(bytes, $"result-{resultId}.dcm").Dataset, stored.Outcome, verification);
        string uid = report.GetString(SrTags.SopInstanceUid)!;
        await outbox.AddAsync([new NewDicomDelivery(resultId, "sr", destination.ToString(), uid, content.Put(ResultReport.Write(report)))
        {
            StudyInstanceUid = report.GetString(SrTags.StudyInstanceUid)!,
            SeriesInstanceUid = report.GetString(SrTags.SeriesInstanceUid)!,
        }], cancellationToken);
        return uid;
    }

    /// <summary>Sends every due object once; returns how many were sent and how many failed (and wait for their next try).</summary>
    public async Task<(int Sent, int Failed)> DeliverDueAsync(IDicomSender sender, DateTime now, int max = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        int sent = 0, failed = 0;
        foreach (var due in await outbox.DueAsync(now, max, cancellationToken))
        {
            try
            {
                byte[] bytes = content.Get(due.ContentSha256) ?? throw new InvalidOperationException($"object {due.ContentSha256} is missing from the content store");
                await sender.SendAsync(DicomPeer.Parse(due.Destination), bytes, cancellationToken);
                await outbox.MarkSentAsync(due.Id, cancellationToken);
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var next = now + Backoff(due.Attempts);
                await outbox.MarkFailedAsync(due.Id, e.Message, next, cancellationToken);
                logger.LogWarning("Delivery {DeliveryId} ({Kind} of result {ResultId}) to {Destination} failed, attempt {Attempt}: {Reason}; next try at {Next:u}",
                    due.Id, due.Kind, due.ResultId, due.Destination, due.Attempts + 1, e.Message, next);
                failed++;
            }
        }

        return (sent, failed);
    }

    /// <summary>30 s after the first failure, doubling, at most an hour.</summary>
    public static TimeSpan Backoff(int failuresSoFar) =>
        TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, FirstRetry.Ticks << Math.Min(failuresSoFar, 20)));
}
