namespace TbScreen.Dicom;

/// <summary>Value representations, with the facts the parser and writer need about each.</summary>
public static class DicomVr
{
    private static readonly HashSet<string> Valid = new(StringComparer.Ordinal)
    {
        "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV",
        "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV",
    };

    // These use a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 7.1.2).
    private static readonly HashSet<string> LongLength = new(StringComparer.Ordinal)
    {
        "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV",
    };

    // Text whose bytes follow Specific Character Set; all other strings are plain ASCII.
    private static readonly HashSet<string> CharacterSetText = new(StringComparer.Ordinal)
    {
        "SH", "LO", "ST", "LT", "UT", "PN", "UC",
    };

    public static bool IsValid(string vr) => Valid.Contains(vr);

    public static bool HasLongLength(string vr) => LongLength.Contains(vr);

    public static bool UsesCharacterSet(string vr) => CharacterSetText.Contains(vr);

    /// <summary>Bytes per value for binary VRs that need swapping in big endian; 0 for bytes and text.</summary>
    public static int SwapUnit(string vr) => vr switch
    {
        "US" or "SS" or "OW" or "AT" => 2,
        "UL" or "SL" or "FL" or "OF" or "OL" => 4,
        "FD" or "OD" or "SV" or "UV" or "OV" => 8,
        _ => 0,
    };
}
