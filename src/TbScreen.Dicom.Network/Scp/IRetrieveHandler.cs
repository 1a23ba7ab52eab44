namespace TbScreen.Dicom.Network.Scp;

/// <summary>
/// Carries out C-MOVE requests (Patient Root and Study Root Query/Retrieve Information Models - MOVE, PS3.4 C.4.2): finds the objects
/// an identifier names at its Query/Retrieve Level and sends them to the Move Destination by C-STORE sub-operations.
/// </summary>
public interface IRetrieveHandler
{
    /// <summary>
    /// Sends what <paramref name="identifier"/> names to <paramref name="destinationAeTitle"/>. Throw
    /// <see cref="MoveDestinationUnknownException"/> for an AE title it has no address for, <see cref="FormatException"/>
    /// for an identifier that names nothing it can retrieve, and <see cref="DicomNetworkException"/> when the destination
    /// cannot be reached at all.
    /// </summary>
    Task<MoveOutcome> MoveAsync(DicomDataset identifier, QueryRetrieveModel model, string destinationAeTitle, string callingAeTitle, CancellationToken cancellationToken);
}

/// <summary>How the C-STORE sub-operations of one C-MOVE ended.</summary>
public sealed record MoveOutcome(int Completed, int Failed, int Warning, IReadOnlyList<string> FailedSopInstanceUids)
{
    public static MoveOutcome Nothing { get; } = new(0, 0, 0, []);
}

/// <summary>The Move Destination is not an AE this node may send to (answered A801).</summary>
public sealed class MoveDestinationUnknownException(string aeTitle)
    : Exception($"Move Destination {aeTitle} is not a known AE title")
{
    public string AeTitle { get; } = aeTitle;
}
