using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using TbScreen.Dicom.Network;
using TbScreen.Screening.Persistence;

namespace TbScreen.Pacs.Tests;

/// <summary>
/// Storage Commitment of the outbox on SQLite: sent rows are asked about once per destination, a report commits
/// them or sends back what the archive lacks, a late report of a superseded request changes nothing, an unanswered
/// request is asked again after the timeout, and an archive that cannot be reached is not asked every poll.
/// </summary>
public sealed class ResultCommitmentsTests(ResultReportTests.Screened screened) : IClassFixture<ResultReportTests.Screened>, IDisposable
{
    private static readonly DicomPeer Archive = DicomPeer.Parse("PACS@127.0.0.1:11112");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tbscreen-pacs-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_report_commits_what_the_archive_holds_and_sends_the_rest_again()
    {
        var (outbox, rows) = await SentResultAsync();
        var archive = new RecordingRequester();
        var commitments = new ResultCommitments(outbox, new DicomCommitmentOptions(), NullLogger.Instance);
        var t0 = DateTime.UtcNow;

        Assert.Equal(2, await commitments.RequestDueAsync(archive, t0));
        var (peer, transaction, named) = Assert.Single(archive.Requests);
        Assert.Equal(Archive, peer);
        Assert.Equal(rows.OrderBy(r => r.Id).Select(r => (r.Kind == "sr" ? ResultReport.ComprehensiveSrClassUid : HeatmapCapture.SecondaryCaptureClassUid, r.SopInstanceUid)),
            named.Select(n => (n.SopClassUid, n.SopInstanceUid)));
        Assert.Equal(0, await commitments.RequestDueAsync(archive, t0.AddMinutes(1))); // asked, not yet answered

        var sr = rows.Single(r => r.Kind == "sr");
        var sc = rows.Single(r => r.Kind == "sc");
        var failure = new CommitmentFailure(HeatmapCapture.SecondaryCaptureClassUid, sc.SopInstanceUid, StorageCommitment.NoSuchObjectInstance);
        var report = new CommitmentReport("PACS", transaction, [new CommitmentReference(ResultReport.ComprehensiveSrClassUid, sr.SopInstanceUid)],
            [failure, failure with { FailureReason = StorageCommitment.ProcessingFailure }]); // named twice: the first reason counts
        Assert.Equal(DicomStatus.Success, await commitments.ReportAsync(report, CancellationToken.None));

        var after = (await outbox.ForResultAsync(sr.ResultId)).ToDictionary(r => r.Kind);
        Assert.True(after["sr"].IsCommitted);
        Assert.NotNull(after["sr"].CommittedAt);
        Assert.Equal(("pending", false), (after["sc"].Status, after["sc"].IsSent));
        Assert.Equal("PACS did not commit to keeping it (failure reason 0x0112); sending it again", after["sc"].LastError);
        Assert.Null(after["sc"].CommitmentRequestedAt);
        Assert.InRange(after["sc"].NextAttemptAt, t0.AddSeconds(29), DateTime.UtcNow.AddSeconds(31)); // first send counted: 30 s back-off

        // The same report again (an archive retrying) changes nothing more.
        Assert.Equal(DicomStatus.Success, await commitments.ReportAsync(report, CancellationToken.None));
        Assert.Equal(["pending", "committed"], (await outbox.ForResultAsync(sr.ResultId)).OrderBy(r => r.Kind, StringComparer.Ordinal).Select(r => r.Status)); // sc, sr
    }

    [Fact]
    public async Task An_unanswered_request_is_asked_again_after_the_timeout_and_the_late_report_is_ignored()
    {
        var (outbox, rows) = await SentResultAsync();
        var archive = new RecordingRequester();
        var commitments = new ResultCommitments(outbox, new DicomCommitmentOptions { ReportTimeout = TimeSpan.FromMinutes(10) }, NullLogger.Instance);
        var t0 = DateTime.UtcNow;
        Assert.Equal(2, await commitments.RequestDueAsync(archive, t0));

        Assert.Equal(0, await commitments.RequestDueAsync(archive, t0.AddMinutes(9)));
        Assert.Equal(2, await commitments.RequestDueAsync(archive, t0.AddMinutes(11)));
        Assert.Equal(2, archive.Requests.Count);
        Assert.NotEqual(archive.Requests[0].Transaction, archive.Requests[1].Transaction);

        var late = new CommitmentReport("PACS", archive.Requests[0].Transaction, rows.Select(r => new CommitmentReference("1.2", r.SopInstanceUid)).ToList(), []);
        await commitments.ReportAsync(late, CancellationToken.None);
        Assert.All(await outbox.ForResultAsync(rows[0].ResultId), r => Assert.Equal("sent", r.Status));

        var current = late with { TransactionUid = archive.Requests[1].Transaction };
        await commitments.ReportAsync(current, CancellationToken.None);
        Assert.All(await outbox.ForResultAsync(rows[0].ResultId), r => Assert.True(r.IsCommitted));
        Assert.Equal(0, await commitments.RequestDueAsync(archive, t0.AddHours(5))); // committed rows are never asked about again
    }

    [Fact]
    public async Task A_report_on_the_request_s_own_association_is_applied()
    {
        var (outbox, rows) = await SentResultAsync();
        var archive = new RecordingRequester { ReportsAtOnce = true };

        Assert.Equal(2, await new ResultCommitments(outbox, new DicomCommitmentOptions(), NullLogger.Instance).RequestDueAsync(archive, DateTime.UtcNow));

        Assert.All(await outbox.ForResultAsync(rows[0].ResultId), r => Assert.True(r.IsCommitted));
    }

    [Fact]
    public async Task An_archive_that_cannot_be_reached_is_asked_again_only_after_the_back_off()
    {
        var (outbox, _) = await SentResultAsync();
        var archive = new RecordingRequester { Down = true };
        var commitments = new ResultCommitments(outbox, new DicomCommitmentOptions(), NullLogger.Instance);
        var t0 = DateTime.UtcNow;

        Assert.Equal(0, await commitments.RequestDueAsync(archive, t0));
        Assert.Equal(0, await commitments.RequestDueAsync(archive, t0.AddSeconds(20)));
        Assert.Single(archive.Requests); // the 30 s back-off held the second try
        archive.Down = false;
        Assert.Equal(2, await commitments.RequestDueAsync(archive, t0.AddSeconds(31)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>A screened result whose SR and capture were sent to <see cref="Archive"/>.</summary>
    private async Task<(DicomOutboxStore Outbox, IReadOnlyList<DicomDeliveryInfo> Rows)> SentResultAsync()
    {
        var result = await StoredResult.CreateAsync(_root, screened);
        Assert.All(result.Rows, r => Assert.Equal(Archive.ToString(), r.Destination));
        foreach (var row in result.Rows)
        {
            await result.Outbox.MarkSentAsync(row.Id);
        }

        return (result.Outbox, await result.Outbox.ForResultAsync(result.Rows[0].ResultId));
    }

    private sealed class RecordingRequester : ICommitmentRequester
    {
        public bool Down { get; set; }

        /// <summary>Reports before the request returns, as an archive that answers on the request's own association.</summary>
        public bool ReportsAtOnce { get; set; }

        public List<(DicomPeer Destination, string Transaction, IReadOnlyList<CommitmentReference> Instances)> Requests { get; } = [];

        public async Task RequestAsync(DicomPeer destination, string transactionUid, IReadOnlyList<CommitmentReference> instances, ICommitmentReportHandler reports,
            CancellationToken cancellationToken)
        {
            Requests.Add((destination, transactionUid, instances));
            if (Down)
            {
                throw new DicomNetworkException(destination.ToString(), "connection refused");
            }

            if (ReportsAtOnce)
            {
                await reports.ReportAsync(new CommitmentReport(destination.AeTitle, transactionUid, instances, []), cancellationToken);
            }
        }
    }
}
