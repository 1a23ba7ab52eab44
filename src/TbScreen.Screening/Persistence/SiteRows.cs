using System.Text.Json;
using TbScreen.Screening.Persistence.Entities;
using TbScreen.Screening.Sites;

namespace TbScreen.Screening.Persistence;

/// <summary>Site rows ⇄ the domain records.</summary>
internal static class SiteRows
{
    private sealed record RuleJson(string Kind, string Value);

    public static string RulesJson(IReadOnlyList<SiteRule> rules) =>
        JsonSerializer.Serialize(rules.Select(r => new RuleJson(SiteRule.Code(r.Kind), r.Value)));

    public static IReadOnlyList<SiteRule> Rules(string json) =>
        (JsonSerializer.Deserialize<RuleJson[]>(json) ?? []).Select(r => SiteRule.Parse($"{r.Kind}: {r.Value}")).ToArray();

    public static SiteProfile Profile(Site site, SiteProfileVersion p) => new()
    {
        Site = site.Name,
        Version = p.Version,
        State = site.ActiveVersion == p.Version ? SiteProfileStates.Active : p.ApprovedAt is null ? SiteProfileStates.Proposed : SiteProfileStates.Retired,
        Threshold = p.Threshold,
        TargetSensitivity = p.TargetSensitivity,
        Sensitivity = p.Sensitivity,
        SensitivityCi = p.SensitivityLow is double sl && p.SensitivityHigh is double sh ? [sl, sh] : null,
        Specificity = p.Specificity,
        SpecificityCi = p.SpecificityLow is double pl && p.SpecificityHigh is double ph ? [pl, ph] : null,
        Positives = p.Positives,
        Negatives = p.Negatives,
        SampleSha256 = p.SampleSha256,
        SampleSource = p.SampleSource,
        Replicates = p.Replicates,
        Seed = p.Seed,
        Warnings = p.WarningsJson is { } w ? JsonSerializer.Deserialize<string[]>(w) ?? [] : [],
        CreatedBy = p.CreatedBy,
        CreatedAt = Utc(p.CreatedAt),
        ApprovedBy = p.ApprovedBy,
        ApprovedAt = p.ApprovedAt is DateTime at ? Utc(at) : null,
    };

    public static SiteDetails Details(Site site)
    {
        var versions = site.Profiles.OrderByDescending(p => p.Version).Select(p => Profile(site, p)).ToArray();
        var definition = new SiteDefinition(site.Name, Rules(site.RulesJson), versions.FirstOrDefault(v => v.State == SiteProfileStates.Active));
        return new SiteDetails(definition, versions, site.CreatedBy, Utc(site.CreatedAt));
    }

    public static string SampleJson(SiteSample sample) =>
        JsonSerializer.Serialize(sample.Cases.Select(c => new[] { c.Score, c.IsTb ? 1 : 0 }));

    public static SiteSample Sample(string json) =>
        new((JsonSerializer.Deserialize<double[][]>(json) ?? []).Select(p => new LabelledScore(p[0], p[1] != 0)).ToArray());

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
