using System.Globalization;

namespace TbScreen.Inference.Datasets;

/// <summary>Normalises the sex and age spellings found across datasets.</summary>
public static class Demographics
{
    /// <summary>"M"/"male"/"F"/"female" and the Shenzhen typo "femal" to "M" or "F"; anything else to null.</summary>
    public static string? ParseSex(string? text)
    {
        string t = (text ?? "").Trim().ToLowerInvariant();
        return t switch
        {
            "m" or "male" or "man" => "M",
            "f" or "female" or "femal" or "woman" => "F",
            _ => null,
        };
    }

    /// <summary>Plain years ("35", "35.5") for manifests; null for blank; throws for junk.</summary>
    public static double? ParseYears(string? text, string path, int line)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double years) && years is >= 0 and < 150
            ? years
            : throw new DatasetException($"age '{text}' is not a number of years", path, line);
    }
}
