namespace TbScreen.Dicom.Network.Tests.Support;

/// <summary>Keeps every Storage Commitment report and answers with <see cref="Answer"/>; <see cref="NextAsync"/> waits for one.</summary>
public sealed class RecordingCommitmentReports : ICommitmentReportHandler
{
    private readonly System.Threading.Channels.Channel<CommitmentReport> _reports = System.Threading.Channels.Channel.CreateUnbounded<CommitmentReport>();

    public DicomStatus Answer { get; set; } = DicomStatus.Success;

    /// <summary>Thrown instead of answering, when set.</summary>
    public Exception? Failure { get; set; }

    public Task<DicomStatus> ReportAsync(CommitmentReport report, CancellationToken cancellationToken)
    {
        _reports.Writer.TryWrite(report);
        return Failure is { } failure ? Task.FromException<DicomStatus>(failure) : Task.FromResult(Answer);
    }

    public async Task<CommitmentReport> NextAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        return await _reports.Reader.ReadAsync(limit.Token);
    }

    public bool TryTake(out CommitmentReport? report) => _reports.Reader.TryRead(out report);
}
