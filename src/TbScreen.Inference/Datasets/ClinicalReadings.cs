using System.Globalization;
using System.Text.RegularExpressions;

namespace TbScreen.Inference.Datasets;

/// <summary>Sex and age parsed from an NLM ClinicalReadings text file.</summary>
public sealed record ClinicalReading(string? Sex, double? Age, string Findings);

/// <summary>
/// Parses the NLM ClinicalReadings/*.txt files. Shenzhen writes "male 35yrs" (also "femal", "16month",
/// "35 yrs", "35yr") on the first line and the finding after it; Montgomery writes
/// "Patient's Sex: F" and "Patient's Age: 042Y" lines followed by the finding.
/// </summary>
public static partial class ClinicalReadings
{
    public static ClinicalReading Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] lines = text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? sex = null;
        double? age = null;
        var findings = new List<string>();
        foreach (string line in lines)
        {
            Match labelled = LabelledLine().Match(line);
            if (labelled.Success)
            {
                string value = labelled.Groups["value"].Value;
                if (labelled.Groups["key"].Value.Equals("sex", StringComparison.OrdinalIgnoreCase))
                {
                    sex ??= Demographics.ParseSex(value);
                }
                else
                {
                    age ??= ParseAge(value);
                }

                continue;
            }

            Match compact = SexAgeLine().Match(line);
            if (compact.Success && sex is null && age is null)
            {
                sex = Demographics.ParseSex(compact.Groups["sex"].Value);
                age = ParseAge(compact.Groups["age"].Value);
                continue;
            }

            findings.Add(line);
        }

        return new ClinicalReading(sex, age, string.Join(" ", findings));
    }

    /// <summary>"35yrs", "35 yrs", "042Y", "16month", "3 months", "10d", "35" (years) to years; null if unparseable.</summary>
    public static double? ParseAge(string text)
    {
        Match m = AgeValue().Match(text.Trim());
        if (!m.Success)
        {
            return null;
        }

        double n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        string unit = m.Groups["unit"].Value.ToLowerInvariant();
        double years = unit switch
        {
            "" or "y" or "yr" or "yrs" or "year" or "years" => n,
            "m" or "month" or "months" or "mon" or "mo" => n / 12.0,
            "w" or "wk" or "week" or "weeks" => n / 52.0,
            "d" or "day" or "days" => n / 365.0,
            _ => double.NaN,
        };
        return double.IsNaN(years) ? null : Math.Round(years, 2);
    }

    [GeneratedRegex(@"^patient'?s\s+(?<key>sex|age)\s*:\s*(?<value>.*)$", RegexOptions.IgnoreCase)]
    private static partial Regex LabelledLine();

    [GeneratedRegex(@"^(?<sex>male|female|femal|m|f)\b[\s,]*(?<age>\d+(\.\d+)?\s*[a-z]*)?", RegexOptions.IgnoreCase)]
    private static partial Regex SexAgeLine();

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<unit>[a-z]*)$", RegexOptions.IgnoreCase)]
    private static partial Regex AgeValue();
}
