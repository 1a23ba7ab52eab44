using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TbScreen.Audit;

namespace TbScreen.Screening.Sites;

/// <summary>A site.json that cannot be used as a profile; the message names the file and the reason.</summary>
public sealed class SiteProfileFileException(string path, string reason) : Exception($"{path}: {reason}")
{
    public string Path { get; } = path;
}

/// <summary>
/// site.json as `tbscreen site-calibrate` writes it: the <see cref="SiteCalibrationResult"/> fields (threshold,
/// targetSensitivity, sensitivity and specificity with CIs, positives, negatives, ...) plus, since site profiles, the
/// optional "site", "version" and "sampleSha256". Files written before carry no site: the file name stands in, version 1.
/// </summary>
public static class SiteProfileFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static byte[] Write(SiteCalibrationResult result, string site, int version, string sampleSha256)
    {
        ArgumentNullException.ThrowIfNull(result);
        var node = JsonSerializer.SerializeToNode(result, Json)!.AsObject();
        node["site"] = site;
        node["version"] = version;
        node["sampleSha256"] = sampleSha256;
        return JsonSerializer.SerializeToUtf8Bytes(node, Json);
    }

    public static SiteProfile Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new SiteProfileFileException(path, "not a JSON object");
        }
        catch (JsonException e)
        {
            throw new SiteProfileFileException(path, $"not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SiteProfileFileException(path, $"cannot read: {e.Message}");
        }

        double threshold = Number(root, "threshold", path)
            ?? throw new SiteProfileFileException(path, "has no \"threshold\" (write it with tbscreen site-calibrate)");
        if (threshold is < 0 or > 1)
        {
            throw new SiteProfileFileException(path, string.Create(CultureInfo.InvariantCulture, $"threshold {threshold} is not in [0, 1]"));
        }

        string site = root["site"] is JsonValue s && s.TryGetValue(out string? name) && !string.IsNullOrWhiteSpace(name)
            ? name.Trim() : System.IO.Path.GetFileNameWithoutExtension(path);
        return new SiteProfile
        {
            Site = site,
            Version = (int?)Number(root, "version", path) ?? 1,
            State = SiteProfileStates.Active,
            Threshold = threshold,
            TargetSensitivity = Number(root, "targetSensitivity", path) ?? double.NaN,
            Sensitivity = Number(root, "sensitivity", path) ?? double.NaN,
            Specificity = Number(root, "specificity", path) ?? double.NaN,
            Positives = (int?)Number(root, "positives", path) ?? 0,
            Negatives = (int?)Number(root, "negatives", path) ?? 0,
            SampleSha256 = root["sampleSha256"]?.GetValue<string>(),
            SampleSource = "file:" + System.IO.Path.GetFileName(path),
        };
    }

    private static double? Number(JsonObject root, string name, string path)
    {
        if (root[name] is not JsonValue value)
        {
            return null;
        }

        return value.TryGetValue(out double number) && double.IsFinite(number)
            ? number
            : throw new SiteProfileFileException(path, $"\"{name}\" is not a number");
    }
}
