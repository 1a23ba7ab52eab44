namespace TbScreen.Audit;

/// <summary>An attribute cases are grouped by; each case has exactly one value for it ("unknown" when missing).</summary>
public enum SubgroupAttribute
{
    Sex,
    Age,
    Site,
    Manufacturer,

    /// <summary>Scanner model: "manufacturer model" from (0008,0070) and (0008,1090).</summary>
    ScannerModel,
}

public static class SubgroupAttributes
{
    public const string Unknown = "unknown";

    /// <summary>Parses "sex,age,site,manufacturer,model" (any subset, any order).</summary>
    public static IReadOnlyList<SubgroupAttribute> Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var result = new List<SubgroupAttribute>();
        foreach (string name in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var attribute = name.ToLowerInvariant() switch
            {
                "sex" => SubgroupAttribute.Sex,
                "age" => SubgroupAttribute.Age,
                "site" or "source" => SubgroupAttribute.Site,
                "manufacturer" or "scanner" => SubgroupAttribute.Manufacturer,
                "model" or "scanner-model" => SubgroupAttribute.ScannerModel,
                _ => throw new FormatException($"unknown subgroup attribute '{name}' (use sex, age, site, manufacturer, model)"),
            };
            if (!result.Contains(attribute))
            {
                result.Add(attribute);
            }
        }

        return result.Count > 0 ? result : throw new FormatException("no subgroup attributes given");
    }

    public static string Name(this SubgroupAttribute attribute) =>
        attribute == SubgroupAttribute.ScannerModel ? "model" : attribute.ToString().ToLowerInvariant();

    /// <summary>The case's value: sex M/F (M, male, F, female in any case), else "unknown"; age band; site; manufacturer.</summary>
    public static string ValueOf(this SubgroupAttribute attribute, AuditCase c, AgeBands bands)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(bands);
        return attribute switch
        {
            SubgroupAttribute.Sex => NormaliseSex(c.Sex),
            SubgroupAttribute.Age => bands.Label(c.Age),
            SubgroupAttribute.Site => Text(c.Source),
            SubgroupAttribute.Manufacturer => Text(c.Manufacturer),
            SubgroupAttribute.ScannerModel => c.ScannerModel is null ? Unknown : $"{Text(c.Manufacturer)} {c.ScannerModel.Trim()}",
            _ => throw new ArgumentOutOfRangeException(nameof(attribute)),
        };
    }

    public static string NormaliseSex(string? sex) => sex?.Trim().ToUpperInvariant() switch
    {
        "M" or "MALE" => "M",
        "F" or "FEMALE" => "F",
        _ => Unknown,
    };

    private static string Text(string? value) => string.IsNullOrWhiteSpace(value) ? Unknown : value.Trim();
}
