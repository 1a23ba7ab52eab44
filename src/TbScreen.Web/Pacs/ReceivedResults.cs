namespace TbScreen.Web.Pacs;

/// <summary>
/// Tells open dashboard pages that the DICOM node (C-STORE or STOW-RS) screened a received image, so the worklist
/// shows it as it arrives instead of at the next page load. Carries the result id only.
/// </summary>
public sealed class ReceivedResults
{
    public event Action<long>? Screened;

    public void Publish(long resultId) => Screened?.Invoke(resultId);
}
