using System.Globalization;

namespace TbScreen.Dicom.Querying;

/// <summary>
/// One query key's matching rule (PS3.4 C.2.2.2), for QIDO-RS and any later C-FIND: an empty value matches everything
/// (universal); a list of UIDs matches any of them; dates and times match a single value or a range
/// ("20260101-20260131", "20260101-", "-20260131"); other values match exactly or, with * and ?, as wildcards.
/// Person names match case-insensitively, as most archives do; the rest are case-sensitive.
/// </summary>
public sealed class AttributeMatcher
{
    private readonly string _value;
    private readonly string _vr;
    private readonly string[] _uids;
    private readonly (string? Low, string? High)? _range;

    private AttributeMatcher(uint tag, string vr, string value, string[] uids, (string?, string?)? range)
    {
        Tag = tag;
        _vr = vr;
        _value = value;
        _uids = uids;
        _range = range;
    }

    public uint Tag { get; }

    /// <summary>Parses a query value; throws <see cref="FormatException"/> naming the key when a date, time or range is malformed.</summary>
    public static AttributeMatcher Parse(string keyword, uint tag, string vr, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        value = value.Trim();
        if (vr == "UI")
        {
            return new AttributeMatcher(tag, vr, value, value.Split([',', '\\'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), null);
        }

        if (vr is "DA" or "TM" or "DT" && value.Length > 0)
        {
            int dash = value.IndexOf('-', StringComparison.Ordinal);
            string? low = dash < 0 ? value : value[..dash];
            string? high = dash < 0 ? value : value[(dash + 1)..];
            low = low.Length == 0 ? null : Checked(keyword, vr, low, value);
            high = high.Length == 0 ? null : Checked(keyword, vr, high, value);
            if (low is null && high is null)
            {
                throw new FormatException($"{keyword}: '{value}' is not a {Describe(vr)} or a range of them");
            }

            return new AttributeMatcher(tag, vr, value, [], (low, high));
        }

        if (vr == "IS" && value.Length > 0 && !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException($"{keyword}: '{value}' is not a whole number");
        }

        return new AttributeMatcher(tag, vr, value, [], null);
    }

    /// <summary>Whether an object's value (null: absent or empty) matches; an absent value matches only a universal key.</summary>
    public bool Matches(string? actual)
    {
        if (_value.Length == 0)
        {
            return true;
        }

        if (string.IsNullOrEmpty(actual))
        {
            return false;
        }

        if (_vr == "UI")
        {
            return _uids.Contains(actual.Trim(), StringComparer.Ordinal);
        }

        if (_range is var (low, high))
        {
            string comparable = Normalise(_vr, actual.Trim());
            return (low is null || string.CompareOrdinal(comparable, low) >= 0) && (high is null || string.CompareOrdinal(Truncate(comparable, high.Length), high) <= 0);
        }

        if (_vr == "IS")
        {
            // Integer strings match by value: a series numbered "01" is series 1.
            return int.TryParse(actual.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int number)
                && number == int.Parse(_value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        var comparison = _vr == "PN" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return _value.AsSpan().IndexOfAny('*', '?') < 0
            ? string.Equals(actual.Trim(), _value, comparison)
            : Wildcard(actual.Trim(), _value, comparison);
    }

    /// <summary>Any of several values matches (a multi-valued attribute, such as Modalities in Study).</summary>
    public bool MatchesAny(IEnumerable<string> values) => _value.Length == 0 || values.Any(Matches);

    private static string Checked(string keyword, string vr, string text, string whole)
    {
        string normalised = Normalise(vr, text);
        bool valid = vr switch
        {
            "DA" => normalised.Length == 8 && DateOnly.TryParseExact(normalised, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "TM" => normalised.Length >= 2 && normalised.All(c => char.IsAsciiDigit(c) || c == '.') && int.Parse(normalised[..2], CultureInfo.InvariantCulture) < 24,
            _ => normalised.Length >= 4 && normalised.All(c => char.IsAsciiDigit(c) || c is '.' or '+' or '-'),
        };
        return valid ? normalised
            : throw new FormatException(whole.Contains('-', StringComparison.Ordinal)
                ? $"{keyword}: '{whole}' is not a {Describe(vr)} or a range of them"
                : $"{keyword}: '{whole}' is not a {Describe(vr)}");
    }

    /// <summary>Dates written with the old "YYYY.MM.DD" form and times with colons compare as their plain forms.</summary>
    private static string Normalise(string vr, string text) => vr switch
    {
        "DA" => text.Replace(".", "", StringComparison.Ordinal),
        "TM" => text.Replace(":", "", StringComparison.Ordinal),
        _ => text,
    };

    /// <summary>A time range's upper end "10" includes 10:59:59: compare only as many digits as the bound has.</summary>
    private static string Truncate(string value, int length) => value.Length > length ? value[..length] : value;

    private static string Describe(string vr) => vr switch { "DA" => "date (YYYYMMDD)", "TM" => "time (HHMMSS)", _ => "date-time" };

    private static bool Wildcard(string text, string pattern, StringComparison comparison)
    {
        // Iterative glob: '*' any run (also empty), '?' one character.
        int t = 0, p = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || string.Compare(text, t, pattern, p, 1, comparison) == 0) && pattern[p] != '*')
            {
                t++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
