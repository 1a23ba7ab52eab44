using System.Text.Json;
using System.Text.Json.Serialization;
using TbScreen.Inference.Bundles;

namespace TbScreen.Inference.Ensembles;

/// <summary>One member of the ensemble: a bundle folder under models/ and its weight (used by the "weighted" rule).</summary>
public sealed record EnsembleMember
{
    public string Bundle { get; init; } = "";

    public double Weight { get; init; } = 1;
}

/// <summary>models/ensemble.json (schema version 1): how member probabilities combine and when a case is flagged.</summary>
public sealed record EnsembleDefinition
{
    public const string FileName = "ensemble.json";
    public const int CurrentSchemaVersion = 1;
    public const string MeanRule = "mean";
    public const string WeightedRule = "weighted";

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public IReadOnlyList<EnsembleMember> Members { get; init; } = [];

    /// <summary>"mean" (default) of the members' TB probabilities, or "weighted" by <see cref="EnsembleMember.Weight"/>.</summary>
    public string Rule { get; init; } = MeanRule;

    /// <summary>A case is TB when the ensemble probability &gt;= this.</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Flag "uncertain" when |ensemble probability - threshold| &lt;= this; 0 switches the rule off.</summary>
    public double UncertaintyBand { get; init; }

    /// <summary>The member whose CAM output becomes the heatmap (GoogLeNet); null for none.</summary>
    public string? HeatmapMember { get; init; }

    /// <summary>
    /// A segmentation bundle in the same folder (e.g. "lungs"): each case is segmented and gets the "lungs not found"
    /// flag when no plausible pair of lungs is seen (often not a frontal chest X-ray). Null: no lung check.
    /// </summary>
    public string? Lungs { get; init; }

    /// <summary>Extra geometric views each member scores and averages (<see cref="Ensembles.TestTimeAugmentation"/>); null for none.</summary>
    public TestTimeAugmentation? TestTimeAugmentation { get; init; }

    /// <summary>Views each member scores per image: the image itself plus the test-time views.</summary>
    [JsonIgnore]
    public int TestTimeViews => TestTimeAugmentation?.ViewsPerImage ?? 1;

    /// <summary>How <see cref="Threshold"/> was chosen and how well that choice held out of fold; null when not recorded.</summary>
    public ThresholdProvenance? ThresholdSelection { get; init; }

    /// <param name="fileName">The definition's file name in <paramref name="modelsDirectory"/>; default ensemble.json
    /// (models/ensemble-pruned.json selects the pruned bundles, docs/pruning.md).</param>
    public static EnsembleDefinition Load(string modelsDirectory, string? fileName = null)
    {
        string path = Path.Combine(modelsDirectory, fileName ?? FileName);
        if (!File.Exists(path))
        {
            throw new ModelBundleException(path, "not found");
        }

        EnsembleDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize<EnsembleDefinition>(File.ReadAllText(path), BundleJson.Options);
        }
        catch (JsonException e)
        {
            throw new ModelBundleException(path, $"not valid JSON: {e.Message}", e);
        }

        if (definition is null)
        {
            throw new ModelBundleException(path, "is null");
        }

        var problems = definition.Problems();
        if (problems.Count > 0)
        {
            throw new ModelBundleException(path, "invalid: " + string.Join("; ", problems));
        }

        return definition;
    }

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (SchemaVersion != CurrentSchemaVersion)
        {
            problems.Add($"schemaVersion is {SchemaVersion}; this build reads version {CurrentSchemaVersion}");
        }

        if (Members is null || Members.Count < 2)
        {
            problems.Add("members must list at least two bundles: the disagreement rule compares members");
        }
        else
        {
            if (Members.Any(m => string.IsNullOrWhiteSpace(m.Bundle)))
            {
                problems.Add("every member needs a bundle name");
            }

            if (Members.Select(m => m.Bundle).Distinct().Count() != Members.Count)
            {
                problems.Add("member bundles must be distinct");
            }

            if (Members.Any(m => !(m.Weight > 0) || !double.IsFinite(m.Weight)))
            {
                problems.Add("member weights must be positive and finite");
            }

            if (HeatmapMember is not null && Members.All(m => m.Bundle != HeatmapMember))
            {
                problems.Add($"heatmapMember '{HeatmapMember}' is not a member");
            }
        }

        if (Rule is not (MeanRule or WeightedRule))
        {
            problems.Add($"rule is '{Rule}'; it must be '{MeanRule}' or '{WeightedRule}'");
        }

        if (!MetadataValidator.IsProbability(Threshold))
        {
            problems.Add($"threshold ({Threshold}) must be in [0, 1]");
        }

        if (UncertaintyBand is < 0 or >= 0.5 || double.IsNaN(UncertaintyBand))
        {
            problems.Add($"uncertaintyBand ({UncertaintyBand}) must be in [0, 0.5)");
        }

        if (TestTimeAugmentation is not null)
        {
            problems.AddRange(TestTimeAugmentation.Problems());
        }

        return problems;
    }
}
