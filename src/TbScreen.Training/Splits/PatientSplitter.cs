using TbScreen.Inference.Datasets;

namespace TbScreen.Training.Splits;

/// <summary>
/// Assigns whole patients to train/val/test, stratified by label and (optionally) source, reproducibly from a seed.
/// Patients are the unit so that two images of one person never sit on both sides of an evaluation.
/// </summary>
public static class PatientSplitter
{
    public static IReadOnlyDictionary<CxrRecord, SplitName> Split(IReadOnlyList<CxrRecord> records, SplitOptions options)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        // A patient's stratum: its source and its majority label (ties to TB, the rarer class clinically).
        var patients = records.GroupBy(r => r.PatientId, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, Records: g.ToList(), Stratum: Stratum(g, options.StratifyBySource)))
            .ToList();

        var assignment = new Dictionary<CxrRecord, SplitName>(ReferenceEqualityComparer.Instance);
        var random = new Random(options.Seed);
        foreach (var stratum in patients.GroupBy(p => p.Stratum, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // Sort first so the shuffle depends only on the seed and the data, not on file order.
            var members = stratum.OrderBy(p => p.Id, StringComparer.Ordinal).ToArray();
            random.Shuffle(members);
            int n = members.Length;
            int val = (int)Math.Round(n * options.Val, MidpointRounding.AwayFromZero);
            int test = Math.Min(n - val, (int)Math.Round(n * options.Test, MidpointRounding.AwayFromZero));
            for (int i = 0; i < n; i++)
            {
                SplitName split = i < val ? SplitName.Val : i < val + test ? SplitName.Test : SplitName.Train;
                foreach (var record in members[i].Records)
                {
                    assignment[record] = split;
                }
            }
        }

        return assignment;
    }

    /// <summary>A patient's stratum: source (optional) and majority label, ties to TB.</summary>
    internal static string Stratum(IEnumerable<CxrRecord> images, bool bySource)
    {
        var list = images.ToList();
        int label = list.Count(r => r.Label == CxrRecord.Tb) * 2 >= list.Count ? CxrRecord.Tb : CxrRecord.NotTb;
        return bySource ? $"{list[0].Source ?? ""}|{label}" : label.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
