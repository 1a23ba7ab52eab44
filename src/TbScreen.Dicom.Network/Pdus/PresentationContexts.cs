namespace TbScreen.Dicom.Network.Pdus;

/// <summary>A proposed presentation context (PS3.8 9.3.2.2): one abstract syntax, transfer syntaxes in preference order.</summary>
internal sealed record PresentationContextProposal(byte Id, string AbstractSyntax, IReadOnlyList<string> TransferSyntaxes);

/// <summary>
/// The acceptor's answer for one context (PS3.8 9.3.3.2). The transfer syntax only means something on acceptance,
/// but the sub-item is always sent.
/// </summary>
internal sealed record PresentationContextResult(byte Id, PresentationContextOutcome Outcome, string TransferSyntax);

/// <summary>User information sub-items we use (PS3.8 D.1, PS3.7 D.3.3.2, D.3.3.4); the others are skipped when read.</summary>
internal sealed record UserInformation(uint MaxPduLength, string? ImplementationClassUid, string? ImplementationVersionName)
{
    /// <summary>SCP/SCU Role Selection sub-items, one per SOP class (PS3.7 D.3.3.4); empty means the default roles.</summary>
    public IReadOnlyList<RoleSelection> RoleSelections { get; init; } = [];

    // Value equality over the sub-items too, not the list's reference.
    public bool Equals(UserInformation? other) =>
        other is not null && MaxPduLength == other.MaxPduLength && ImplementationClassUid == other.ImplementationClassUid
        && ImplementationVersionName == other.ImplementationVersionName && RoleSelections.SequenceEqual(other.RoleSelections);

    public override int GetHashCode() => HashCode.Combine(MaxPduLength, ImplementationClassUid, ImplementationVersionName, RoleSelections.Count);
}

/// <summary>
/// One SCP/SCU Role Selection sub-item (PS3.7 D.3.3.4). The flags are the association requestor's roles: proposed by
/// the requestor, and in the answer what the acceptor agrees to. A C-GET requestor proposes the SCP role for the
/// storage classes it wants back, so that the acceptor may send C-STORE on those contexts.
/// </summary>
internal sealed record RoleSelection(string SopClassUid, bool RequestorIsScu, bool RequestorIsScp);
