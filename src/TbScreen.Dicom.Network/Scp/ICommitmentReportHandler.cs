namespace TbScreen.Dicom.Network;

/// <summary>
/// Takes the Storage Commitment results (N-EVENT-REPORT, PS3.4 J.3.3) that an archive sends back for the commitments we
/// asked it for. With one, the listener accepts Storage Commitment Push Model contexts on which the requestor takes
/// the SCP role.
/// </summary>
public interface ICommitmentReportHandler
{
    /// <summary>
    /// Records <paramref name="report"/>; the status answers the N-EVENT-REPORT (success, or 0110 processing failure
    /// so the archive sends it again). A report for a transaction we never asked for is still answered with success:
    /// the archive can do nothing better with it.
    /// </summary>
    Task<DicomStatus> ReportAsync(CommitmentReport report, CancellationToken cancellationToken);
}
