namespace TbScreen.Audit;

/// <summary>Runs the whole audit on scored cases: subgroups, per-group metrics, gaps and per-group thresholds.</summary>
public static class FairnessAudit
{
    public const string ResearchNotice = "Research use only, not a medical device. Subgroup results describe this data set, not a population.";

    public static FairnessReport Run(IReadOnlyList<AuditCase> cases, AuditOptions options, IReadOnlyList<string>? caveats = null)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(options);
        var bands = AgeBands.Parse(options.AgeBands);
        var set = SubgroupBuilder.Build(cases, options.Attributes, bands, options.MinimumGroupSize);
        var metrics = set.Groups.Select(g => GroupMetrics.Compute(g, options.MinimumGroupSize, options.BootstrapReplicates, options.Seed)).ToList();
        var gaps = GapAnalysis.Compute(set.Groups, metrics, options.MinimumGroupSize, options.BootstrapReplicates, options.Seed);
        var thresholds = set.Groups.Select(g => ThresholdAnalysis.For(g, options.TargetSensitivity)).ToList();
        return new FairnessReport(
            ResearchNotice,
            caveats ?? [],
            "the ensemble's decisions (each model's shipped threshold, combined by the ensemble policy)",
            cases.Count,
            cases.Count(c => c.IsTb),
            options.Attributes.Select(a => a.Name()).ToList(),
            options.AgeBands,
            options.MinimumGroupSize,
            options.BootstrapReplicates,
            options.Seed,
            metrics,
            gaps,
            thresholds,
            set.Skipped);
    }

    /// <summary>Group composition only (n, prevalence), for labelled demographics without images or scores.</summary>
    public static CompositionReport Composition(IReadOnlyList<AuditCase> cases, AuditOptions options)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(options);
        var set = SubgroupBuilder.Build(cases, options.Attributes, AgeBands.Parse(options.AgeBands), options.MinimumGroupSize);
        var groups = set.Groups.Select(g =>
        {
            int positives = g.Cases.Count(c => c.IsTb);
            return new GroupComposition(g.Attribute, g.Value, g.Cases.Count, positives, g.Cases.Count == 0 ? 0 : (double)positives / g.Cases.Count, g.Cases.Count < options.MinimumGroupSize);
        }).ToList();
        return new CompositionReport(ResearchNotice, cases.Count, groups, set.Skipped);
    }
}
