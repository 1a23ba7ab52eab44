namespace TbScreen.Dicom.Network.Pdus;

/// <summary>A proposed presentation context (PS3.8 9.3.2.2): one abstract syntax, transfer syntaxes in preference order.</summary>
internal sealed record PresentationContextProposal(byte Id, string AbstractSyntax, IReadOnlyList<string> TransferSyntaxes);

/// <summary>
/// The acceptor's answer for one context (PS3.8 9.3.3.2). The transfer syntax only means something on acceptance,
/// but the sub-item is always sent.
/// </summary>
internal sealed record PresentationContextResult(byte Id, PresentationContextOutcome Outcome, string TransferSyntax);

/// <summary>User information sub-items we use (PS3.8 D.1, PS3.7 D.3.3.2); the others are skipped when read.</summary>
internal sealed record UserInformation(uint MaxPduLength, string? ImplementationClassUid, string? ImplementationVersionName);
