namespace TbScreen.Pacs;

/// <summary>A coded concept (PS3.3 Code Sequence Macro): value, scheme, meaning.</summary>
public sealed record Code(string Value, string Scheme, string Meaning);

/// <summary>The codes our report uses: DICOM (DCM, PS3.16), SNOMED CT (SCT), UCUM, and our own scheme for what none defines.</summary>
public static class Codes
{
    /// <summary>Our private coding scheme designator (PS3.16 allows "99" + an organisation's name).</summary>
    public const string Private = "99TBSCREEN";

    public static readonly Code ImagingMeasurementReport = new("126000", "DCM", "Imaging Measurement Report");
    public static readonly Code LanguageOfContent = new("121049", "DCM", "Language of Content Item and Descendants");
    public static readonly Code EnglishUs = new("en-US", "RFC5646", "English (United States)");
    public static readonly Code ObserverType = new("121005", "DCM", "Observer Type");
    public static readonly Code Device = new("121007", "DCM", "Device");
    public static readonly Code DeviceObserverUid = new("121012", "DCM", "Device Observer UID");
    public static readonly Code DeviceObserverName = new("121013", "DCM", "Device Observer Name");
    public static readonly Code DeviceObserverManufacturer = new("121014", "DCM", "Device Observer Manufacturer");
    public static readonly Code ProcedureReported = new("121058", "DCM", "Procedure reported");
    public static readonly Code ChestXray = new("399208008", "SCT", "Plain chest X-ray");
    public static readonly Code ImageLibrary = new("111028", "DCM", "Image Library");
    public static readonly Code ImageLibraryGroup = new("126200", "DCM", "Image Library Group");
    public static readonly Code ImagingMeasurements = new("126010", "DCM", "Imaging Measurements");
    public static readonly Code MeasurementGroup = new("125007", "DCM", "Measurement Group");
    public static readonly Code TrackingIdentifier = new("112039", "DCM", "Tracking Identifier");
    public static readonly Code TrackingUniqueIdentifier = new("112040", "DCM", "Tracking Unique Identifier");
    public static readonly Code SourceOfMeasurement = new("121112", "DCM", "Source of Measurement");
    public static readonly Code AlgorithmName = new("111001", "DCM", "Algorithm Name");
    public static readonly Code AlgorithmVersion = new("111003", "DCM", "Algorithm Version");
    public static readonly Code AlgorithmParameters = new("111002", "DCM", "Algorithm Parameters");
    public static readonly Code Tuberculosis = new("56717001", "SCT", "Tuberculosis");
    public static readonly Code Present = new("52101004", "SCT", "Present");
    public static readonly Code Absent = new("2667000", "SCT", "Absent");
    public static readonly Code Comment = new("121106", "DCM", "Comment");
    public static readonly Code NoUnits = new("1", "UCUM", "no units");
    public static readonly Code EnsembleProbability = new("tb-probability", Private, "Ensemble probability of tuberculosis");
    public static readonly Code ReviewFlag = new("review-flag", Private, "Flag for radiologist review");
    public static readonly Code RadiologistRead = new("radiologist-read", Private, "Radiologist's read");

    /// <summary>One member network's probability of TB: "tbp-alexnet", "alexnet probability of tuberculosis" (SH code values hold 16 characters).</summary>
    public static Code MemberProbability(string member)
    {
        string value = "tbp-" + member;
        return new(value.Length <= 16 ? value : value[..16], Private, $"{member} probability of tuberculosis");
    }
}
