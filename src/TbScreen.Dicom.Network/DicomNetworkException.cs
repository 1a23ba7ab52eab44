namespace TbScreen.Dicom.Network;

/// <summary>A DICOM network operation failed; <see cref="Peer"/> and <see cref="Reason"/> say where and why.</summary>
public class DicomNetworkException : Exception
{
    public DicomNetworkException(string? peer, string reason, Exception? inner = null)
        : base(peer is null ? reason : $"{peer}: {reason}", inner)
    {
        Peer = peer;
        Reason = reason;
    }

    /// <summary>The remote node as AE@host:port, when known.</summary>
    public string? Peer { get; }

    public string Reason { get; }
}

/// <summary>The peer answered A-ASSOCIATE-RJ (PS3.8 9.3.4).</summary>
public sealed class AssociationRejectedException : DicomNetworkException
{
    public AssociationRejectedException(string peer, AssociationRejectResult result, AssociationRejectSource source, byte reasonCode)
        : base(peer, $"association rejected ({(result == AssociationRejectResult.Transient ? "transient" : "permanent")}): {AssociationRejectReason.Describe(source, reasonCode)}")
    {
        Result = result;
        RejectSource = source;
        ReasonCode = reasonCode;
    }

    public AssociationRejectResult Result { get; }

    public AssociationRejectSource RejectSource { get; }

    public byte ReasonCode { get; }
}

/// <summary>The association ended with A-ABORT, sent by the peer or by us after a protocol error (PS3.8 9.3.8).</summary>
public sealed class AssociationAbortedException : DicomNetworkException
{
    public AssociationAbortedException(string peer, AbortSource source, AbortReason abortReason, string reason)
        : base(peer, reason)
    {
        AbortSource = source;
        AbortReason = abortReason;
    }

    public AbortSource AbortSource { get; }

    public AbortReason AbortReason { get; }
}

/// <summary>The peer did not answer in time (connect, association, or DIMSE response).</summary>
public sealed class DicomTimeoutException : DicomNetworkException
{
    public DicomTimeoutException(string peer, string reason, Exception? inner = null)
        : base(peer, reason, inner)
    {
    }
}
