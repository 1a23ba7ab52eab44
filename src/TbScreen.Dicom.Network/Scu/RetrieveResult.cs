namespace TbScreen.Dicom.Network;

/// <summary>
/// How a C-MOVE or C-GET stands, as the peer's response says: its status and sub-operation counts (a Pending one
/// also says how many remain).
/// </summary>
public sealed record RetrieveResult(DicomStatus Status, int Completed, int Failed, int Warning, int Remaining = 0)
{
    /// <summary>Success, or B000 when some objects failed: the move itself was carried out.</summary>
    public bool Performed => Status.IsSuccess || Status.IsWarning;
}
