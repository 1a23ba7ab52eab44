namespace TbScreen.Dicom.Network;

/// <summary>
/// A DIMSE status (PS3.7 Annex C) with the optional Error Comment (0000,0902) that travels with failures.
/// The comment is LO: at most 64 characters reach the peer.
/// </summary>
public readonly record struct DicomStatus(ushort Code, string? ErrorComment = null)
{
    public static DicomStatus Success => new(0x0000);

    /// <summary>C-STORE "Refused: Out of Resources" (PS3.4 B.2.3): the host could not store; the sender may retry.</summary>
    public static DicomStatus OutOfResources(string comment) => new(0xA700, comment);

    /// <summary>C-STORE "Error: Data Set does not match SOP Class" (PS3.4 B.2.3).</summary>
    public static DicomStatus DataSetDoesNotMatchSopClass(string comment) => new(0xA900, comment);

    /// <summary>C-STORE "Error: Cannot understand" (PS3.4 B.2.3): the data set does not parse.</summary>
    public static DicomStatus CannotUnderstand(string comment) => new(0xC000, comment);

    /// <summary>"Refused: SOP Class not supported" (PS3.7 C.5.2).</summary>
    public static DicomStatus SopClassNotSupported(string comment) => new(0x0122, comment);

    /// <summary>"Unrecognized operation" (PS3.7 C.5.6) for DIMSE requests this node does not serve.</summary>
    public static DicomStatus UnrecognizedOperation(string comment) => new(0x0211, comment);

    /// <summary>C-FIND "Pending": a match follows in this response (PS3.4 C.4.1.1.4).</summary>
    public static DicomStatus Pending => new(0xFF00);

    /// <summary>C-FIND "Failed: Identifier does not match SOP Class" (PS3.4 C.4.1.1.4).</summary>
    public static DicomStatus IdentifierDoesNotMatchSopClass(string comment) => new(0xA900, comment);

    /// <summary>C-FIND "Failed: Unable to process" (PS3.4 C.4.1.1.4).</summary>
    public static DicomStatus UnableToProcess(string comment) => new(0xC000, comment);

    /// <summary>C-MOVE A801: the Move Destination is not an AE this node knows (PS3.4 C.4.2.1.4).</summary>
    public static DicomStatus MoveDestinationUnknown(string comment) => new(0xA801, comment);

    /// <summary>C-MOVE A702: the sub-operations could not be performed (the destination is unreachable).</summary>
    public static DicomStatus UnableToPerformSuboperations(string comment) => new(0xA702, comment);

    /// <summary>C-MOVE B000: the sub-operations are complete with one or more failures or warnings.</summary>
    public static DicomStatus SuboperationsCompleteWithFailures(string comment) => new(0xB000, comment);

    /// <summary>FE00: the operation stopped on the requestor's C-CANCEL (PS3.4 C.4.3.1.4).</summary>
    public static DicomStatus Cancelled(string comment) => new(0xFE00, comment);

    /// <summary>The Error Comment as it travels: LO, 64 characters at most (PS3.7 C.4.1, PS3.5 6.2).</summary>
    internal string? CommentForWire => ErrorComment is { Length: > 64 } comment ? comment[..64] : ErrorComment;

    public bool IsSuccess => Code == 0x0000;

    /// <summary>Warnings (0001, Bxxx) mean the operation was performed (PS3.7 C.3).</summary>
    public bool IsWarning => Code == 0x0001 || (Code & 0xF000) == 0xB000;

    public bool IsPending => Code is 0xFF00 or 0xFF01;

    public bool IsFailure => !IsSuccess && !IsWarning && !IsPending && Code != 0xFE00;

    public override string ToString() => ErrorComment is null ? $"0x{Code:X4}" : $"0x{Code:X4} ({ErrorComment})";
}
