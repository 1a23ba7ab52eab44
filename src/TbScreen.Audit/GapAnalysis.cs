using TbScreen.Inference.Metrics;

namespace TbScreen.Audit;

/// <summary>
/// Gaps of every group against its attribute's reference: the largest group whose value is known (not "unknown"),
/// ties to the first by name.
/// CIs: percentile bootstrap that resamples the group's and the reference's positives and negatives separately
/// (stratified, as <see cref="BootstrapCi"/> does), seeded so the same seed gives the same interval.
/// </summary>
public static class GapAnalysis
{
    public const string NotInterpretable = "not interpretable";

    public static IReadOnlyList<GapMetrics> Compute(IReadOnlyList<Subgroup> groups, IReadOnlyList<GroupMetrics> metrics, int minimumN, int replicates, int seed)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(metrics);
        var gaps = new List<GapMetrics>();
        foreach (var attribute in groups.Select(g => g.Attribute).Distinct())
        {
            var members = groups.Select((g, i) => (Group: g, Metrics: metrics[i])).Where(x => x.Group.Attribute == attribute).ToList();
            var reference = members
                .OrderBy(x => IsUnknown(x.Group.Value))
                .ThenByDescending(x => x.Group.Cases.Count)
                .ThenBy(x => x.Group.Value, StringComparer.Ordinal)
                .First();
            foreach (var member in members.Where(x => x.Group != reference.Group))
            {
                gaps.AddRange(Between(member.Group, member.Metrics, reference.Group, reference.Metrics, minimumN, replicates, seed));
            }
        }

        return gaps;
    }

    /// <summary>"unknown" (or an intersection cell with an unknown part) is a reference only when nothing else is.</summary>
    private static bool IsUnknown(string value) =>
        value.Split(SubgroupBuilder.IntersectionSeparator).Contains(SubgroupAttributes.Unknown, StringComparer.Ordinal);

    /// <summary>The three gaps of <paramref name="group"/> against <paramref name="reference"/>.</summary>
    public static IReadOnlyList<GapMetrics> Between(Subgroup group, GroupMetrics g, Subgroup reference, GroupMetrics r, int minimumN, int replicates, int seed)
    {
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(r);
        var ci = Bootstrap(new Rates(group.Cases), new Rates(reference.Cases), replicates, seed);
        bool interpretable = g.N >= minimumN && r.N >= minimumN;
        string? smallNote = interpretable ? null
            : $"{NotInterpretable}: n = {Math.Min(g.N, r.N)} < {minimumN} in {(g.N < minimumN ? g.Name : r.Name)}";

        double? tprGap = g.Tpr - r.Tpr;
        double? fprGap = g.Fpr - r.Fpr;
        double? tprMdd = r.Tpr is double rt ? ProportionStatistics.MinimumDetectableDifference(rt, r.Positives, g.Positives) : null;
        double? fprMdd = r.Fpr is double rf ? ProportionStatistics.MinimumDetectableDifference(rf, r.Negatives, g.Negatives) : null;
        bool oddsFromTpr = tprGap is double t && (fprGap is not double f || Math.Abs(t) >= Math.Abs(f));
        double? odds = tprGap is null && fprGap is null ? null : Math.Max(Math.Abs(tprGap ?? 0), Math.Abs(fprGap ?? 0));
        string? oddsNote = (tprGap, fprGap) switch
        {
            (null, null) => "TPR and FPR undefined in one of the groups",
            (null, _) => "TPR undefined (no positives in one group): FPR gap only",
            (_, null) => "FPR undefined (no negatives in one group): TPR gap only",
            _ => null,
        };

        return
        [
            new GapMetrics(g.Attribute, g.Value, r.Value, GapNames.EqualOpportunity, tprGap, ci.Tpr, tprMdd, interpretable,
                Join(smallNote, tprGap is null ? "TPR undefined: no positives in one of the groups" : null)),
            new GapMetrics(g.Attribute, g.Value, r.Value, GapNames.EqualisedOdds, odds, ci.Odds, oddsFromTpr ? tprMdd : fprMdd, interpretable,
                Join(smallNote, oddsNote)),
            new GapMetrics(g.Attribute, g.Value, r.Value, GapNames.DemographicParity, g.PositiveRate - r.PositiveRate, ci.Parity,
                ProportionStatistics.MinimumDetectableDifference(r.PositiveRate, r.N, g.N), interpretable, smallNote),
        ];
    }

    private static string? Join(string? a, string? b) => (a, b) switch
    {
        (null, _) => b,
        (_, null) => a,
        _ => $"{a}; {b}",
    };

    private static (double[]? Tpr, double[]? Odds, double[]? Parity) Bootstrap(Rates group, Rates reference, int replicates, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicates, 10);
        var random = new Random(seed);
        var tpr = new List<double>(replicates);
        var odds = new List<double>(replicates);
        var parity = new List<double>(replicates);
        for (int b = 0; b < replicates; b++)
        {
            var (gTp, gFp) = (group.ResamplePositives(random), group.ResampleNegatives(random));
            var (rTp, rFp) = (reference.ResamplePositives(random), reference.ResampleNegatives(random));
            double? tprGap = Rate(gTp, group.Positives.Length) - Rate(rTp, reference.Positives.Length);
            double? fprGap = Rate(gFp, group.Negatives.Length) - Rate(rFp, reference.Negatives.Length);
            if (tprGap is double t)
            {
                tpr.Add(t);
            }

            if (tprGap is not null || fprGap is not null)
            {
                odds.Add(Math.Max(Math.Abs(tprGap ?? 0), Math.Abs(fprGap ?? 0)));
            }

            parity.Add((double)(gTp + gFp) / group.Count - (double)(rTp + rFp) / reference.Count);
        }

        return (Percentiles(tpr), Percentiles(odds), Percentiles(parity));
    }

    private static double? Rate(int count, int n) => n == 0 ? null : (double)count / n;

    private static double[]? Percentiles(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return [BootstrapCi.Quantile(values, 0.025), BootstrapCi.Quantile(values, 0.975)];
    }

    /// <summary>A group's decisions split by class, for stratified resampling.</summary>
    private sealed class Rates(IReadOnlyList<AuditCase> cases)
    {
        public bool[] Positives { get; } = cases.Where(c => c.IsTb).Select(c => c.Called).ToArray();

        public bool[] Negatives { get; } = cases.Where(c => !c.IsTb).Select(c => c.Called).ToArray();

        public int Count => Positives.Length + Negatives.Length;

        public int ResamplePositives(Random random) => Resample(Positives, random);

        public int ResampleNegatives(Random random) => Resample(Negatives, random);

        private static int Resample(bool[] called, Random random)
        {
            int count = 0;
            for (int i = 0; i < called.Length; i++)
            {
                count += called[random.Next(called.Length)] ? 1 : 0;
            }

            return count;
        }
    }
}
