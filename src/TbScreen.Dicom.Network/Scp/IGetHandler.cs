namespace TbScreen.Dicom.Network.Scp;

/// <summary>
/// Serves C-GET requests (Patient Root and Study Root Query/Retrieve Information Models - GET, PS3.4 C.4.3): names the objects an
/// identifier asks for. The listener sends them back to the requestor over the same association, by C-STORE
/// sub-operations on the storage contexts where the requestor took the SCP role, and reports how that went.
/// </summary>
public interface IGetHandler
{
    /// <summary>The storage SOP classes of what it may return; the listener accepts the SCP role for these only.</summary>
    IReadOnlyCollection<string> RetrievableSopClasses { get; }

    /// <summary>
    /// What <paramref name="identifier"/> names at its Query/Retrieve Level in <paramref name="model"/>. Throw
    /// <see cref="FormatException"/> for a level or missing key it cannot serve (answered A900).
    /// </summary>
    Task<IReadOnlyList<RetrievableInstance>> ResolveAsync(DicomDataset identifier, QueryRetrieveModel model, CancellationToken cancellationToken);

    /// <summary>Called once a C-GET has ended, cancelled or not, with how its sub-operations went (for the audit trail).</summary>
    Task RecordAsync(string callingAeTitle, string level, GetOutcome outcome, CancellationToken cancellationToken);
}

/// <summary>One object a C-GET may send: its SOP Instance UID, and its Part 10 bytes, loaded only when it is sent (null when gone).</summary>
public sealed record RetrievableInstance(string SopInstanceUid, Func<byte[]?> Load);

/// <summary>How the C-STORE sub-operations of one C-GET ended; <see cref="Remaining"/> is non-zero only after a cancel.</summary>
public sealed record GetOutcome(int Completed, int Failed, int Warning, int Remaining, bool Cancelled, IReadOnlyList<string> FailedSopInstanceUids);
