using System.Globalization;
using System.Text.RegularExpressions;

namespace TbScreen.Pacs;

/// <summary>
/// Values copied from a source radiograph into our own objects, checked against their VR (PS3.5 6.2). Field data
/// breaks the rules often (a Patient's Age of "62", a date as "2024-03-05"): a value is fixed when the fix is
/// certain, and dropped otherwise, so nothing invalid is ever copied into what we write.
/// </summary>
public static partial class ValueRepair
{
    /// <summary>The value made valid for <paramref name="vr"/>, or null when it is absent or cannot be fixed with certainty.</summary>
    public static string? Clean(string vr, string? raw)
    {
        if (raw is null)
        {
            return null;
        }

        string value = raw.Trim(' ', '\0');
        if (value.Length == 0)
        {
            return null;
        }

        return vr switch
        {
            "AS" => Age(value),
            "DA" => Date(value),
            "TM" => Time(value),
            "UI" => Uid().IsMatch(value) && value.Length <= 64 ? value : null,
            "CS" => CodeString().IsMatch(value.ToUpperInvariant()) && value.Length <= 16 ? value.ToUpperInvariant() : null,
            "SH" => Text(value, 16),
            "LO" => Text(value, 64),
            "PN" => PersonName(value),
            "IS" => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i) ? i.ToString(CultureInfo.InvariantCulture) : null,
            _ => throw new ArgumentOutOfRangeException(nameof(vr), vr, "no repair rule for this VR"),
        };
    }

    /// <summary>Patient's Sex: M, F or O (PS3.3 C.7.1.1); "male"/"female" are certain, anything else is dropped.</summary>
    public static string? Sex(string? raw) => Clean("CS", raw) switch
    {
        "M" or "MALE" => "M",
        "F" or "FEMALE" => "F",
        "O" or "OTHER" => "O",
        _ => null,
    };

    private static string? Age(string value)
    {
        if (AgeString().IsMatch(value))
        {
            return value;
        }

        // A bare number of years ("62", "062") or years with the unit ("62Y"): certain.
        var years = BareYears().Match(value);
        return years.Success && int.Parse(years.Groups[1].Value, CultureInfo.InvariantCulture) is int n and <= 999
            ? n.ToString("000", CultureInfo.InvariantCulture) + "Y"
            : null;
    }

    private static string? Date(string value)
    {
        string digits = value.Length == 10 && (value[4] is '-' or '.' or '/') && value[7] == value[4] ? value.Remove(7, 1).Remove(4, 1) : value;
        return digits.Length == 8 && DateTime.TryParseExact(digits, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? digits : null;
    }

    private static string? Time(string value)
    {
        string compact = value.Length >= 8 && value[2] == ':' && value[5] == ':' ? value.Remove(5, 1).Remove(2, 1) : value;
        var match = TimeString().Match(compact);
        if (!match.Success)
        {
            return null;
        }

        int hh = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        int mm = match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        int ss = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return hh < 24 && mm < 60 && ss < 61 ? compact : null;
    }

    private static string? Text(string value, int maxLength) =>
        value.Length <= maxLength && !value.Contains('\\') && !value.Any(char.IsControl) ? value : null;

    private static string? PersonName(string value) =>
        !value.Contains('\\') && value.Split('=').All(group => group.Length <= 64) && !value.Any(c => char.IsControl(c) && c != '\u001b') ? value : null;

    [GeneratedRegex(@"^[0-9]{3}[DWMY]$")]
    private static partial Regex AgeString();

    [GeneratedRegex(@"^0*([0-9]{1,3})\s*[Yy]?$")]
    private static partial Regex BareYears();

    [GeneratedRegex(@"^([0-9]{2})([0-9]{2})?([0-9]{2})?(\.[0-9]{1,6})?$")]
    private static partial Regex TimeString();

    [GeneratedRegex(@"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")]
    private static partial Regex Uid();

    [GeneratedRegex(@"^[A-Z0-9 _]+$")]
    private static partial Regex CodeString();
}
