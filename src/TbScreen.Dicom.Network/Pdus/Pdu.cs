namespace TbScreen.Dicom.Network.Pdus;

/// <summary>One protocol data unit of the upper layer (PS3.8 9.3).</summary>
internal abstract record Pdu(PduType Type);

/// <summary>A-ASSOCIATE-RQ (PS3.8 9.3.2).</summary>
internal sealed record AssociateRequestPdu(
    string CalledAeTitle,
    string CallingAeTitle,
    string ApplicationContext,
    IReadOnlyList<PresentationContextProposal> PresentationContexts,
    UserInformation UserInformation,
    ushort ProtocolVersion = 1) : Pdu(PduType.AssociateRequest);

/// <summary>A-ASSOCIATE-AC (PS3.8 9.3.3); the AE titles echo the request's.</summary>
internal sealed record AssociateAcceptPdu(
    string CalledAeTitle,
    string CallingAeTitle,
    string ApplicationContext,
    IReadOnlyList<PresentationContextResult> PresentationContexts,
    UserInformation UserInformation,
    ushort ProtocolVersion = 1) : Pdu(PduType.AssociateAccept);

/// <summary>A-ASSOCIATE-RJ (PS3.8 9.3.4).</summary>
internal sealed record AssociateRejectPdu(AssociationRejectResult Result, AssociationRejectSource Source, byte Reason) : Pdu(PduType.AssociateReject);

/// <summary>P-DATA-TF (PS3.8 9.3.5): one or more presentation data values.</summary>
internal sealed record DataTransferPdu(IReadOnlyList<PresentationDataValue> Values) : Pdu(PduType.DataTransfer);

/// <summary>A-RELEASE-RQ (PS3.8 9.3.6).</summary>
internal sealed record ReleaseRequestPdu() : Pdu(PduType.ReleaseRequest);

/// <summary>A-RELEASE-RP (PS3.8 9.3.7).</summary>
internal sealed record ReleaseResponsePdu() : Pdu(PduType.ReleaseResponse);

/// <summary>A-ABORT (PS3.8 9.3.8).</summary>
internal sealed record AbortPdu(AbortSource Source, AbortReason Reason) : Pdu(PduType.Abort);

/// <summary>
/// One PDV (PS3.8 9.3.5.1 and Annex E): a command or data set fragment with its message control header.
/// A decoded fragment is a slice of the reader's buffer, valid until the next read.
/// </summary>
internal sealed record PresentationDataValue(byte PresentationContextId, bool IsCommand, bool IsLast, ReadOnlyMemory<byte> Fragment);
