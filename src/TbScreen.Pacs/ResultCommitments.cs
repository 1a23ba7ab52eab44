using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network;
using TbScreen.Screening.Persistence;

namespace TbScreen.Pacs;

/// <summary>
/// Storage Commitment for the results sent to PACS (PS3.4 J): a sent SR or capture is not taken as safe until the
/// archive says it keeps it. <see cref="RequestDueAsync"/> asks each destination about what it was sent (one N-ACTION
/// per destination and round); the archive's N-EVENT-REPORT reaches <see cref="ReportAsync"/> through the node's
/// listener. Committed rows become "committed"; a row the archive did not commit to goes back to pending and is sent
/// again; a request without a report within <see cref="DicomCommitmentOptions.ReportTimeout"/> is asked again.
/// Logs carry transaction UIDs, counts and destinations, never patient data.
/// </summary>
public sealed class ResultCommitments(DicomOutboxStore outbox, DicomCommitmentOptions options, ILogger logger) : ICommitmentReportHandler
{
    private int _failuresInARow;
    private DateTime _nextRequest = DateTime.MinValue;

    /// <summary>
    /// Asks each destination to commit to the objects it was sent and has not committed to (a back-off after a failed
    /// request). Returns how many objects were named in accepted requests.
    /// </summary>
    public async Task<int> RequestDueAsync(ICommitmentRequester requester, DateTime now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (now < _nextRequest)
        {
            return 0;
        }

        var awaiting = await outbox.AwaitingCommitmentAsync(now - options.ReportTimeout, options.MaxInstancesPerRequest, cancellationToken);
        int requested = 0;
        foreach (var group in awaiting.GroupBy(d => d.Destination))
        {
            string transaction = UidGenerator.New();
            var rows = group.ToList();
            // Recorded before asking: an archive may report on the request's own association, before the request returns.
            await outbox.MarkCommitmentRequestedAsync(rows.Select(r => r.Id).ToList(), transaction, now, cancellationToken);
            try
            {
                await requester.RequestAsync(DicomPeer.Parse(group.Key), transaction, rows.Select(Reference).ToList(), this, cancellationToken);
                requested += rows.Count;
                _failuresInARow = 0;
                logger.LogInformation("Storage Commitment of {Count} objects requested from {Destination} (transaction {Transaction})", rows.Count, group.Key, transaction);
            }
            catch (Exception e) when (e is DicomNetworkException or IOException or TimeoutException)
            {
                await outbox.ForgetCommitmentRequestAsync(transaction, cancellationToken);
                _nextRequest = now + ResultDelivery.Backoff(_failuresInARow++);
                logger.LogWarning("Storage Commitment request to {Destination} failed: {Reason}; next try at {Next:u}", group.Key, e.Message, _nextRequest);
            }
        }

        return requested;
    }

    public async Task<DicomStatus> ReportAsync(CommitmentReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = DateTime.UtcNow;
        // An archive that names an instance twice is not worth a failed report: the first reason counts.
        var failures = report.Failed.DistinctBy(f => f.SopInstanceUid).ToDictionary(f => f.SopInstanceUid, f => $"{report.CallingAeTitle} did not commit to keeping it (failure reason 0x{f.FailureReason:X4}); sending it again");
        var (committed, failed) = await outbox.ApplyCommitmentReportAsync(report.TransactionUid, report.Committed.Select(c => c.SopInstanceUid).ToHashSet(StringComparer.Ordinal),
            failures, now, attempts => now + ResultDelivery.Backoff(Math.Max(0, attempts - 1)), cancellationToken);
        if (committed + failed == 0)
        {
            logger.LogWarning("Storage Commitment report from {Ae} for transaction {Transaction} matches no object awaiting it (unknown or superseded); ignored",
                report.CallingAeTitle, report.TransactionUid);
        }
        else
        {
            logger.LogInformation("Storage Commitment report from {Ae} for transaction {Transaction}: {Committed} committed, {Failed} not (to be sent again)",
                report.CallingAeTitle, report.TransactionUid, committed, failed);
        }

        return DicomStatus.Success;
    }

    private static CommitmentReference Reference(DicomDeliveryInfo row) =>
        new(row.Kind == "sr" ? ResultReport.ComprehensiveSrClassUid : HeatmapCapture.SecondaryCaptureClassUid, row.SopInstanceUid);
}

/// <summary>Storage Commitment settings of a DICOM node.</summary>
public sealed record DicomCommitmentOptions
{
    /// <summary>How long a request may go unanswered before the same objects are asked about again.</summary>
    public TimeSpan ReportTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Objects named in one N-ACTION at most; more wait for the next round.</summary>
    public int MaxInstancesPerRequest { get; init; } = 500;
}
