namespace TbScreen.Dicom.Network;

/// <summary>
/// The peer's answer to one C-STORE. <see cref="TransferSyntaxUid"/> is what was sent; <see cref="Converted"/> says
/// whether that differs from the file's own syntax because the peer did not accept it.
/// </summary>
public sealed record StoreResult(string Source, string SopClassUid, string SopInstanceUid, string TransferSyntaxUid, bool Converted, DicomStatus Status)
{
    /// <summary>Success or warning: the peer has the instance.</summary>
    public bool Stored => Status.IsSuccess || Status.IsWarning;
}
