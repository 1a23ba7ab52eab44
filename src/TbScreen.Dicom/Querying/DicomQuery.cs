using System.Globalization;

namespace TbScreen.Dicom.Querying;

/// <summary>What a search returns: patients (C-FIND in Patient Root only), studies, series or instances (PS3.18 10.6.1, PS3.4 C.6).</summary>
public enum QueryLevel
{
    Patient,
    Study,
    Series,
    Instance,
}

/// <summary>
/// A QIDO-RS search (PS3.18 10.6.1): the matching keys of PS3.18 Tables 10.6.1-5 to 10.6.1-7 for its level (a series
/// search also takes the study keys, an instance search the study and series keys), named by keyword or by tag
/// ("PatientID" or "00100020"), and the limit and offset of the answer. Keys it does not support are listed in
/// <see cref="Unsupported"/> (the answer then carries a 299 warning, as PS3.18 8.3.4.1 asks) rather than refused.
/// </summary>
public sealed class DicomQuery
{
    public const uint ModalitiesInStudy = 0x00080061;

    /// <summary>Patient Root's PATIENT level (PS3.4 C.6.1.1.2): the patient module's keys.</summary>
    private static readonly (string Keyword, uint Tag, string Vr)[] PatientKeys =
    [
        ("PatientID", DicomTag.PatientId, "LO"),
        ("PatientName", DicomTag.PatientName, "PN"),
        ("PatientBirthDate", 0x00100030, "DA"),
        ("PatientSex", 0x00100040, "CS"),
    ];

    private static readonly (string Keyword, uint Tag, string Vr)[] StudyKeys =
    [
        ("StudyInstanceUID", DicomTag.StudyInstanceUid, "UI"),
        ("PatientID", DicomTag.PatientId, "LO"),
        ("PatientName", DicomTag.PatientName, "PN"),
        ("AccessionNumber", 0x00080050, "SH"),
        ("StudyDate", 0x00080020, "DA"),
        ("StudyTime", 0x00080030, "TM"),
        ("StudyID", 0x00200010, "SH"),
        ("ReferringPhysicianName", 0x00080090, "PN"),
        ("ModalitiesInStudy", ModalitiesInStudy, "CS"),
    ];

    private static readonly (string Keyword, uint Tag, string Vr)[] SeriesKeys =
    [
        ("SeriesInstanceUID", DicomTag.SeriesInstanceUid, "UI"),
        ("Modality", DicomTag.Modality, "CS"),
        ("SeriesNumber", 0x00200011, "IS"),
        ("SeriesDescription", 0x0008103E, "LO"),
        ("PerformedProcedureStepStartDate", 0x00400244, "DA"),
        ("PerformedProcedureStepStartTime", 0x00400245, "TM"),
    ];

    private static readonly (string Keyword, uint Tag, string Vr)[] InstanceKeys =
    [
        ("SOPClassUID", DicomTag.SopClassUid, "UI"),
        ("SOPInstanceUID", DicomTag.SopInstanceUid, "UI"),
        ("InstanceNumber", 0x00200013, "IS"),
    ];

    /// <summary>Query parameters that are not matching keys: accepted, and ignored where they change nothing here.</summary>
    private static readonly string[] Controls = ["limit", "offset", "includefield", "fuzzymatching"];

    private DicomQuery(IReadOnlyList<AttributeMatcher> matchers, int? limit, int offset, IReadOnlyList<string> unsupported)
    {
        Matchers = matchers;
        Limit = limit;
        Offset = offset;
        Unsupported = unsupported;
    }

    public IReadOnlyList<AttributeMatcher> Matchers { get; }

    public int? Limit { get; }

    public int Offset { get; }

    public IReadOnlyList<string> Unsupported { get; }

    /// <summary>The one Study Instance UID asked for, when the search names exactly one (a store can look it up directly).</summary>
    public string? SingleStudy { get; private init; }

    /// <summary>Throws <see cref="FormatException"/> naming the parameter when a value is malformed.</summary>
    public static DicomQuery Parse(IEnumerable<KeyValuePair<string, string>> parameters, QueryLevel level = QueryLevel.Study)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var keys = KeysOf(level);
        var matchers = new List<AttributeMatcher>();
        var unsupported = new List<string>();
        int? limit = null;
        int offset = 0;
        string? single = null;
        foreach (var (name, value) in parameters)
        {
            if (name.Equals("limit", StringComparison.OrdinalIgnoreCase))
            {
                limit = Count(name, value, minimum: 1);
            }
            else if (name.Equals("offset", StringComparison.OrdinalIgnoreCase))
            {
                offset = Count(name, value, minimum: 0);
            }
            else if (Controls.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }
            else if (Find(keys, name) is { } key)
            {
                var matcher = AttributeMatcher.Parse(key.Keyword, key.Tag, key.Vr, value);
                matchers.Add(matcher);
                if (key.Tag == DicomTag.StudyInstanceUid && value.Trim().Length > 0 && value.IndexOfAny([',', '\\']) < 0)
                {
                    single = value.Trim();
                }
            }
            else
            {
                unsupported.Add(name);
            }
        }

        return new DicomQuery(matchers, limit, offset, unsupported) { SingleStudy = single };
    }

    /// <summary>
    /// The query a C-FIND identifier asks (PS3.4 C.2.2): its non-empty attributes among the supported keys match,
    /// multiple values (a list of UIDs) joined as QIDO-RS lists them.
    /// </summary>
    public static DicomQuery FromIdentifier(DicomDataset identifier, QueryLevel level = QueryLevel.Study)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (keyword, tag, _) in KeysOf(level))
        {
            if (identifier[tag] is { Items: null } && identifier.GetStrings(tag) is { Length: > 0 } values && values.Any(v => v.Trim().Length > 0))
            {
                pairs.Add(KeyValuePair.Create(keyword, string.Join('\\', values.Select(v => v.Trim()))));
            }
        }

        return Parse(pairs, level);
    }

    /// <summary>
    /// Whether a study, series or instance matches every key: its attributes (from one of its objects), and the
    /// modalities of its study.
    /// </summary>
    public bool Matches(DicomDataset attributes, IEnumerable<string> studyModalities)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(studyModalities);
        return Matchers.All(m => m.Tag == ModalitiesInStudy ? m.MatchesAny(studyModalities) : m.Matches(attributes.GetString(m.Tag)));
    }

    /// <summary>The page the limit and offset select.</summary>
    public IEnumerable<T> Page<T>(IEnumerable<T> matches) => Limit is int n ? matches.Skip(Offset).Take(n) : matches.Skip(Offset);

    private static IEnumerable<(string Keyword, uint Tag, string Vr)> KeysOf(QueryLevel level) => level switch
    {
        QueryLevel.Patient => PatientKeys,
        QueryLevel.Study => StudyKeys,
        QueryLevel.Series => [.. StudyKeys, .. SeriesKeys],
        _ => [.. StudyKeys, .. SeriesKeys, .. InstanceKeys],
    };

    private static (string Keyword, uint Tag, string Vr)? Find(IEnumerable<(string Keyword, uint Tag, string Vr)> keys, string name)
    {
        foreach (var key in keys)
        {
            if (key.Keyword.Equals(name, StringComparison.OrdinalIgnoreCase)
                || (name.Length == 8 && uint.TryParse(name, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint tag) && tag == key.Tag))
            {
                return key;
            }
        }

        return null;
    }

    private static int Count(string name, string value, int minimum) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= minimum
            ? n
            : throw new FormatException($"{name}: '{value}' is not a whole number of at least {minimum}");
}
