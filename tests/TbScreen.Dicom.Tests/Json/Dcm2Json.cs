using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using TbScreen.Dicom.Tests.Codecs;

namespace TbScreen.Dicom.Tests.Json;

/// <summary>
/// dcmtk's dcm2json (Debian package dcmtk) as the independent reference for the DICOM JSON Model. Missing, the tests
/// skip naming the package; under CI=true they fail (.ci/run installs it).
/// </summary>
internal static class Dcm2Json
{
    private static readonly ExternalTool Tool = new("dcmtk", "dcm2json");

    public static void Require() => Tool.Require();

    /// <summary>dcm2json's tree for Part 10 bytes (written to a temporary file, removed after).</summary>
    public static JsonObject Convert(byte[] part10)
    {
        string path = Path.Combine(Path.GetTempPath(), $"tbscreen-dcm2json-{Guid.NewGuid():N}.dcm");
        File.WriteAllBytes(path, part10);
        try
        {
            return Convert(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>dcm2json's tree for a Part 10 file (compact output, strict numbers).</summary>
    public static JsonObject Convert(string path)
    {
        var info = new ProcessStartInfo("dcm2json") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "-fc", path })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start dcm2json");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "dcm2json did not finish within 120 s");
        Assert.True(process.ExitCode == 0, $"dcm2json failed on {path}: {errors.Result}");
        return JsonNode.Parse(output.Result)!.AsObject();
    }

    /// <summary>Same keys, VRs, strings and Base64; numbers equal to float precision (dcm2json prints FL with fewer digits).</summary>
    public static void AssertSameTree(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{path}: expected null, got {actual?.ToJsonString()}");
                return;
            case JsonObject expectedObject:
                var actualObject = Assert.IsType<JsonObject>(actual);
                Assert.True(expectedObject.Select(p => p.Key).Order(StringComparer.Ordinal).SequenceEqual(actualObject.Select(p => p.Key).Order(StringComparer.Ordinal)),
                    $"{path}: keys differ: dcm2json [{string.Join(",", expectedObject.Select(p => p.Key))}], ours [{string.Join(",", actualObject.Select(p => p.Key))}]");
                foreach (var (key, value) in expectedObject)
                {
                    AssertSameTree(value, actualObject[key], $"{path}/{key}");
                }

                return;
            case JsonArray expectedArray:
                var actualArray = Assert.IsType<JsonArray>(actual);
                Assert.True(expectedArray.Count == actualArray.Count, $"{path}: {expectedArray.Count} values in dcm2json, {actualArray.Count} in ours: {actualArray.ToJsonString()}");
                for (int i = 0; i < expectedArray.Count; i++)
                {
                    AssertSameTree(expectedArray[i], actualArray[i], $"{path}[{i}]");
                }

                return;
            default:
                var expectedValue = expected.AsValue();
                Assert.True(actual is JsonValue, $"{path}: expected {expected.ToJsonString()}, got {actual?.ToJsonString()}");
                if (expectedValue.GetValueKind() == System.Text.Json.JsonValueKind.Number)
                {
                    double e = double.Parse(expected.ToJsonString(), CultureInfo.InvariantCulture);
                    Assert.True(actual!.GetValueKind() == System.Text.Json.JsonValueKind.Number, $"{path}: expected the number {e}, got {actual.ToJsonString()}");
                    double a = double.Parse(actual.ToJsonString(), CultureInfo.InvariantCulture);
                    Assert.True(Math.Abs(e - a) <= 1e-6 * Math.Max(1, Math.Abs(e)), $"{path}: dcm2json {e}, ours {a}");
                }
                else
                {
                    Assert.Equal(expectedValue.GetValue<string>(), actual!.GetValue<string>());
                }

                return;
        }
    }
}
