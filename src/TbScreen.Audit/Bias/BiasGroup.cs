using System.Globalization;
using System.Text;

namespace TbScreen.Audit.Bias;

/// <summary>
/// The group a bias experiment targets: `sex=F`, `site=tbx11k`, `age=55+` (a band of the given bands), or
/// `random=0.5`, a seeded synthetic attribute: each patient key joins with probability 0.5 through a stable
/// FNV-1a hash of seed and key, so the same patient is in the same group in every split and every run.
/// </summary>
public sealed record BiasGroup(string Attribute, string Value)
{
    public const string Random = "random";

    public string Name => $"{Attribute}={Value}";

    public static BiasGroup Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int eq = spec.IndexOf('=');
        if (eq <= 0 || eq == spec.Length - 1)
        {
            throw new FormatException($"--group '{spec}' must be ATTRIBUTE=VALUE (sex=F, site=tbx11k, age=55+, random=0.5)");
        }

        string attribute = spec[..eq].Trim().ToLowerInvariant();
        string value = spec[(eq + 1)..].Trim();
        if (attribute == Random)
        {
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || p is <= 0 or >= 1)
            {
                throw new FormatException($"--group random=P needs P in (0, 1), got '{value}'");
            }

            return new BiasGroup(Random, p.ToString(CultureInfo.InvariantCulture));
        }

        var parsed = SubgroupAttributes.Parse(attribute)[0];
        return new BiasGroup(parsed.Name(), parsed == SubgroupAttribute.Sex ? SubgroupAttributes.NormaliseSex(value) : value);
    }

    /// <summary>Whether the case (attributes only; <paramref name="patientKey"/> for random groups) is in the group.</summary>
    public bool Contains(AuditCase c, string patientKey, AgeBands bands, int seed)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (Attribute == Random)
        {
            return UnitHash(seed, patientKey) < double.Parse(Value, CultureInfo.InvariantCulture);
        }

        var attribute = SubgroupAttributes.Parse(Attribute)[0];
        return string.Equals(attribute.ValueOf(c, bands), Value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A stable (process-independent) hash of seed and key mapped to [0, 1).</summary>
    internal static double UnitHash(int seed, string key)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes($"{seed.ToString(CultureInfo.InvariantCulture)}|{key}"))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        hash ^= hash >> 33; // FNV's low bits mix poorly on short keys
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }
}
