using TbScreen.Inference.Datasets;

namespace TbScreen.Audit;

/// <summary>Data caveats the report must carry, derived from the cases themselves.</summary>
public static class AuditCaveats
{
    public const string SourceConfounding = "Classes and sites are confounded in the development data (positives mostly from one source, negatives from another): site gaps and AUCs mostly measure source separation, not TB detection.";

    public static IReadOnlyList<string> For(IReadOnlyList<AuditCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var caveats = new List<string>();
        var withDemographics = cases.Where(c => c.Sex is not null || c.Age is not null).ToList();
        if (withDemographics.Count > 0 && withDemographics.All(c => !c.IsTb))
        {
            caveats.Add($"Sex and age exist only for negatives here ({withDemographics.Count} of {cases.Count} cases, none TB): per-group false-positive rates can be measured, per-group sensitivity (TPR) cannot; every case without them is 'unknown'.");
        }
        else if (withDemographics.Count < cases.Count)
        {
            caveats.Add($"Sex or age is missing for {cases.Count - withDemographics.Count} of {cases.Count} cases; they form the 'unknown' groups.");
        }

        var sources = cases.GroupBy(c => c.Source ?? "unknown").ToList();
        if (sources.Count > 1 && sources.Count(g => g.Any(c => c.IsTb) && g.Any(c => !c.IsTb)) < sources.Count)
        {
            caveats.Add(SourceConfounding);
        }

        return caveats;
    }
}
