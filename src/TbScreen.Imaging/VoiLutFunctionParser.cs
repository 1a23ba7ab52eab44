namespace TbScreen.Imaging;

/// <summary>Parses the DICOM VOI LUT Function attribute (0028,1056).</summary>
public static class VoiLutFunctionParser
{
    /// <summary>
    /// Absent or blank means LINEAR (the DICOM default). Unknown terms also give LINEAR, because a
    /// vendor-specific function name should not make an otherwise valid image unreadable.
    /// </summary>
    public static VoiLutFunction Parse(string? value)
    {
        return value?.Trim().ToUpperInvariant() switch
        {
            "LINEAR_EXACT" => VoiLutFunction.LinearExact,
            "SIGMOID" => VoiLutFunction.Sigmoid,
            _ => VoiLutFunction.Linear,
        };
    }
}
