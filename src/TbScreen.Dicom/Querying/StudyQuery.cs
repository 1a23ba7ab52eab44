using System.Globalization;

namespace TbScreen.Dicom.Querying;

/// <summary>
/// A QIDO-RS study search (PS3.18 10.6.1): the study-level matching keys of PS3.18 Table 10.6.1-5, named by keyword
/// or by tag ("PatientID" or "00100020"), and the limit and offset of the answer. Keys it does not support are listed
/// in <see cref="Unsupported"/> (the answer then carries a 299 warning, as PS3.18 8.3.4.1 asks) rather than refused.
/// </summary>
public sealed class StudyQuery
{
    public const uint ModalitiesInStudy = 0x00080061;

    private static readonly (string Keyword, uint Tag, string Vr)[] Keys =
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

    /// <summary>Query parameters that are not matching keys: accepted, and ignored where they change nothing here.</summary>
    private static readonly string[] Controls = ["limit", "offset", "includefield", "fuzzymatching"];

    private StudyQuery(IReadOnlyList<AttributeMatcher> matchers, int? limit, int offset, IReadOnlyList<string> unsupported)
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
    public static StudyQuery Parse(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
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
            else if (Find(name) is { } key)
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

        return new StudyQuery(matchers, limit, offset, unsupported) { SingleStudy = single };
    }

    /// <summary>
    /// The query a C-FIND identifier asks (PS3.4 C.2.2): its non-empty attributes among the supported keys match,
    /// multiple values (a list of UIDs) joined as QIDO-RS lists them.
    /// </summary>
    public static StudyQuery FromIdentifier(DicomDataset identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (keyword, tag, _) in Keys)
        {
            if (identifier[tag] is { Items: null } && identifier.GetStrings(tag) is { Length: > 0 } values && values.Any(v => v.Trim().Length > 0))
            {
                pairs.Add(KeyValuePair.Create(keyword, string.Join('\\', values.Select(v => v.Trim()))));
            }
        }

        return Parse(pairs);
    }

    /// <summary>Whether a study matches every key: its attributes from one of its objects, and its modalities.</summary>
    public bool Matches(DicomDataset study, IEnumerable<string> modalities)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(modalities);
        return Matchers.All(m => m.Tag == ModalitiesInStudy ? m.MatchesAny(modalities) : m.Matches(study.GetString(m.Tag)));
    }

    /// <summary>The page the limit and offset select.</summary>
    public IEnumerable<T> Page<T>(IEnumerable<T> matches) => Limit is int n ? matches.Skip(Offset).Take(n) : matches.Skip(Offset);

    private static (string Keyword, uint Tag, string Vr)? Find(string name)
    {
        foreach (var key in Keys)
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
