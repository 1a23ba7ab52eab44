namespace TbScreen.Inference.Datasets;

/// <summary>
/// One labelled radiograph, whatever layout it came from. <paramref name="Path"/> is absolute;
/// <paramref name="PatientId"/> groups images of one person so splits never separate them.
/// </summary>
/// <param name="Label">1 = TB, 0 = not TB.</param>
/// <param name="Sex">"M", "F" or null.</param>
/// <param name="Age">Years (fractional for infants), or null.</param>
/// <param name="Source">Dataset or site, e.g. "tbx11k", "shenzhen"; used to stratify splits and report per source.</param>
/// <param name="OriginalId">The name the image had in its source set, when known.</param>
/// <param name="Finding">Free-text finding category when the layout gives one (e.g. TBX11K "sick", NIH findings).</param>
public sealed record CxrRecord(
    string Path,
    int Label,
    string? Sex,
    double? Age,
    string? Source,
    string PatientId,
    string? OriginalId = null,
    string? Finding = null)
{
    public const int Tb = 1;
    public const int NotTb = 0;
}
