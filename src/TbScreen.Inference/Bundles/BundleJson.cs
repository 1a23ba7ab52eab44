using System.Text.Json;
using System.Text.Json.Serialization;

namespace TbScreen.Inference.Bundles;

/// <summary>One set of JSON options for metadata.json and ensemble.json: camelCase, enums as strings, strict numbers.</summary>
public static class BundleJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };
}
