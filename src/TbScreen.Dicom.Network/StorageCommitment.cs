using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network;

/// <summary>An instance named in a Storage Commitment request or report: its SOP class and instance UIDs.</summary>
public sealed record CommitmentReference(string SopClassUid, string SopInstanceUid);

/// <summary>An instance the SCP did not commit to, with its Failure Reason (0008,1197), e.g. 0112 "no such object instance".</summary>
public sealed record CommitmentFailure(string SopClassUid, string SopInstanceUid, ushort FailureReason);

/// <summary>
/// A Storage Commitment result (PS3.4 J.3.3): the N-EVENT-REPORT an SCP sends for one transaction, naming the
/// instances it committed to and those it did not.
/// </summary>
public sealed record CommitmentReport(string CallingAeTitle, string TransactionUid, IReadOnlyList<CommitmentReference> Committed, IReadOnlyList<CommitmentFailure> Failed)
{
    /// <summary>Event Type ID 1: every instance committed; 2: failures exist (PS3.4 J.3.3.1).</summary>
    public ushort EventTypeId => Failed.Count == 0 ? StorageCommitment.AllCommitted : StorageCommitment.FailuresExist;
}

/// <summary>The data sets of the Storage Commitment Push Model (PS3.4 J.3), both ways.</summary>
public static class StorageCommitment
{
    /// <summary>Action Type ID of "Request Storage Commitment" (PS3.4 J.3.2.1).</summary>
    public const ushort RequestAction = 1;

    public const ushort AllCommitted = 1;
    public const ushort FailuresExist = 2;

    /// <summary>Failure Reason 0110 "processing failure" (PS3.4 J.3.3.1.1).</summary>
    public const ushort ProcessingFailure = 0x0110;

    /// <summary>Failure Reason 0112 "no such object instance" (PS3.4 J.3.3.1.1).</summary>
    public const ushort NoSuchObjectInstance = 0x0112;

    internal const uint TransactionUid = 0x00081195;
    internal const uint FailedSopSequence = 0x00081198;
    internal const uint ReferencedSopSequence = 0x00081199;
    internal const uint FailureReason = 0x00081197;
    internal const uint ReferencedSopClassUid = 0x00081150;
    internal const uint ReferencedSopInstanceUid = 0x00081155;

    /// <summary>The N-ACTION-RQ data set: the Transaction UID and the Referenced SOP Sequence (PS3.4 J.3.2.1.1).</summary>
    public static DicomDataset Request(string transactionUid, IReadOnlyList<CommitmentReference> instances)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionUid);
        ArgumentNullException.ThrowIfNull(instances);
        if (instances.Count == 0)
        {
            throw new ArgumentException("a Storage Commitment request names at least one instance", nameof(instances));
        }

        return new DicomDataset()
            .AddString(TransactionUid, "UI", transactionUid)
            .AddSequence(ReferencedSopSequence, instances.Select(Item).ToArray());
    }

    /// <summary>The N-EVENT-REPORT-RQ data set of <paramref name="report"/> (PS3.4 J.3.3.1.1).</summary>
    public static DicomDataset Report(CommitmentReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var dataSet = new DicomDataset().AddString(TransactionUid, "UI", report.TransactionUid);
        if (report.Committed.Count > 0)
        {
            dataSet.AddSequence(ReferencedSopSequence, report.Committed.Select(Item).ToArray());
        }

        if (report.Failed.Count > 0)
        {
            dataSet.AddSequence(FailedSopSequence, report.Failed.Select(f => Item(new CommitmentReference(f.SopClassUid, f.SopInstanceUid)).AddUInt16(FailureReason, f.FailureReason)).ToArray());
        }

        return dataSet;
    }

    /// <summary>
    /// Reads an N-EVENT-REPORT-RQ data set. A missing Transaction UID, an item without its UIDs, or an event type other
    /// than 1 and 2 raises <see cref="FormatException"/> naming what is wrong.
    /// </summary>
    public static CommitmentReport ParseReport(DicomDataset dataSet, ushort eventTypeId, string callingAeTitle)
    {
        ArgumentNullException.ThrowIfNull(dataSet);
        if (eventTypeId is not (AllCommitted or FailuresExist))
        {
            throw new FormatException($"event type {eventTypeId} is not a Storage Commitment result (1 or 2)");
        }

        string transaction = dataSet.GetString(TransactionUid) is { Length: > 0 } uid ? uid.Trim('\0', ' ') : throw new FormatException("the report has no Transaction UID (0008,1195)");
        var committed = dataSet.GetSequence(ReferencedSopSequence).Select(Reference).ToList();
        var failed = dataSet.GetSequence(FailedSopSequence).Select(item =>
        {
            var reference = Reference(item);
            return new CommitmentFailure(reference.SopClassUid, reference.SopInstanceUid, (ushort)(item.GetInt(FailureReason) ?? ProcessingFailure));
        }).ToList();
        if (eventTypeId == FailuresExist && failed.Count == 0)
        {
            throw new FormatException("event type 2 (failures exist) without a Failed SOP Sequence (0008,1198)");
        }

        return new CommitmentReport(callingAeTitle, transaction, committed, failed);
    }

    private static DicomDataset Item(CommitmentReference reference) => new DicomDataset()
        .AddString(ReferencedSopClassUid, "UI", reference.SopClassUid)
        .AddString(ReferencedSopInstanceUid, "UI", reference.SopInstanceUid);

    private static CommitmentReference Reference(DicomDataset item) => new(
        item.GetString(ReferencedSopClassUid)?.Trim('\0', ' ') ?? throw new FormatException("an item without a Referenced SOP Class UID (0008,1150)"),
        item.GetString(ReferencedSopInstanceUid)?.Trim('\0', ' ') ?? throw new FormatException("an item without a Referenced SOP Instance UID (0008,1155)"));
}
