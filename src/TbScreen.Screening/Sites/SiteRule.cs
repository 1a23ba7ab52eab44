namespace TbScreen.Screening.Sites;

/// <summary>What a site rule compares. The order is the precedence: an explicit choice beats a DICOM attribute.</summary>
public enum SiteRuleKind
{
    /// <summary>The calling AE title of the DICOM association that sent the image (set by a DICOM node).</summary>
    AeTitle,

    /// <summary>DICOM Station Name (0008,1010).</summary>
    Station,

    /// <summary>DICOM Institution Name (0008,0080).</summary>
    Institution,
}

/// <summary>
/// One matching rule of a site: the image belongs to the site when the attribute equals <see cref="Value"/>,
/// ignoring case and the space padding DICOM adds. Exact values only, so an admin can predict every match.
/// </summary>
public sealed record SiteRule(SiteRuleKind Kind, string Value)
{
    public static string Code(SiteRuleKind kind) => kind switch
    {
        SiteRuleKind.AeTitle => "ae-title",
        SiteRuleKind.Station => "station",
        _ => "institution",
    };

    /// <summary>"institution: Synthetic Hospital" (one rule a line in the dashboard and the API).</summary>
    public override string ToString() => $"{Code(Kind)}: {Value}";

    public bool Matches(string? attribute) =>
        attribute is not null && string.Equals(Normalise(attribute), Normalise(Value), StringComparison.OrdinalIgnoreCase);

    public static string Normalise(string value) => value.Trim();

    /// <summary>Parses "institution: X", "station: X" or "ae-title: X"; throws naming the text and the reason.</summary>
    public static SiteRule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new FormatException($"site rule '{text}': expected 'institution: NAME', 'station: NAME' or 'ae-title: TITLE'");
        }

        string kind = text[..colon].Trim().ToLowerInvariant();
        string value = Normalise(text[(colon + 1)..]);
        if (value.Length == 0)
        {
            throw new FormatException($"site rule '{text}': the value after ':' is empty");
        }

        return kind switch
        {
            "institution" => new SiteRule(SiteRuleKind.Institution, value),
            "station" => new SiteRule(SiteRuleKind.Station, value),
            "ae-title" or "ae" => new SiteRule(SiteRuleKind.AeTitle, value),
            _ => throw new FormatException($"site rule '{text}': unknown kind '{kind}' (institution, station or ae-title)"),
        };
    }
}
