using System.Globalization;

namespace TbScreen.Screening.Persistence;

/// <summary>Ages as the store keeps them: HIPAA Safe Harbor (45 CFR 164.514(b)(2)(i)(C)) folds every age over 89 into "90+".</summary>
public static class PatientAges
{
    public const string NinetyOrOlder = "90+";

    /// <summary>
    /// A DICOM Age String (nnnD/W/M/Y) or a bare number of years, with ages of 90 years or more replaced by "90+";
    /// anything else (empty, unparsable) is returned unchanged so nothing is invented.
    /// </summary>
    public static string? SafeHarbor(string? age)
    {
        if (string.IsNullOrWhiteSpace(age))
        {
            return age;
        }

        string text = age.Trim();
        return Years(text) is double years && years >= 90 ? NinetyOrOlder : age;
    }

    private static double? Years(string text)
    {
        char unit = char.ToUpperInvariant(text[^1]);
        string digits = char.IsDigit(unit) ? text : text[..^1];
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            return null;
        }

        return unit switch
        {
            'Y' => n,
            'M' => n / 12.0,
            'W' => n * 7 / 365.25,
            'D' => n / 365.25,
            _ when char.IsDigit(unit) => n,
            _ => null,
        };
    }
}
