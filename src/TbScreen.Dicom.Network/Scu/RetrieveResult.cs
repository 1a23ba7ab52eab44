namespace TbScreen.Dicom.Network;

/// <summary>How a C-MOVE ended, as the peer's final response says: its status and sub-operation counts.</summary>
public sealed record RetrieveResult(DicomStatus Status, int Completed, int Failed, int Warning)
{
    /// <summary>Success, or B000 when some objects failed: the move itself was carried out.</summary>
    public bool Performed => Status.IsSuccess || Status.IsWarning;
}
