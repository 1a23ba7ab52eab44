using TbScreen.Inference.Datasets;

namespace TbScreen.Training.Splits;

/// <summary>
/// K-fold cross-validation over the development data (train + validation) of an existing split, for choosing the
/// shipped threshold from out-of-fold predictions: fold k trains on the other K-1 folds and predicts fold k, which it
/// holds as its validation split. Whole patients are dealt round-robin within each (source, label) stratum after a
/// seeded shuffle, so every fold keeps each source's class balance and no patient straddles two folds. The test split
/// is never touched. <see cref="Final"/> is the split of the model that ships: all development data trained on.
/// </summary>
public static class CrossValidationFolds
{
    /// <summary>One assignment per fold (index 0 = fold 1); records outside train and validation keep their split.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<CxrRecord, SplitName>> Create(IReadOnlyDictionary<CxrRecord, SplitName> assignment, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (folds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "Cross-validation needs at least 2 folds.");
        }

        var patients = Development(assignment)
            .GroupBy(r => r.PatientId, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, Records: g.ToList(), Stratum: PatientSplitter.Stratum(g, bySource: true)))
            .ToList();
        foreach (var stratum in patients.GroupBy(p => p.Stratum, StringComparer.Ordinal))
        {
            if (stratum.Count() < folds)
            {
                throw new ArgumentException($"{folds} folds need at least {folds} patients in every (source, label) group; '{stratum.Key}' has {stratum.Count()}.");
            }
        }

        var foldOfPatient = new Dictionary<string, int>(StringComparer.Ordinal);
        var random = new Random(seed);
        foreach (var stratum in patients.GroupBy(p => p.Stratum, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // Sorted first so the deal depends only on the seed and the data, not on file order.
            var members = stratum.OrderBy(p => p.Id, StringComparer.Ordinal).ToArray();
            random.Shuffle(members);
            for (int i = 0; i < members.Length; i++)
            {
                foldOfPatient[members[i].Id] = i % folds;
            }
        }

        return Enumerable.Range(0, folds)
            .Select(fold => (IReadOnlyDictionary<CxrRecord, SplitName>)assignment.ToDictionary(
                p => p.Key,
                p => IsDevelopment(p.Value) ? (foldOfPatient[p.Key.PatientId] == fold ? SplitName.Val : SplitName.Train) : p.Value,
                (IEqualityComparer<CxrRecord>)ReferenceEqualityComparer.Instance))
            .ToList();
    }

    /// <summary>The final model's split: train and validation merged into train, everything else as it was.</summary>
    public static IReadOnlyDictionary<CxrRecord, SplitName> Final(IReadOnlyDictionary<CxrRecord, SplitName> assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        return assignment.ToDictionary(p => p.Key, p => IsDevelopment(p.Value) ? SplitName.Train : p.Value,
            (IEqualityComparer<CxrRecord>)ReferenceEqualityComparer.Instance);
    }

    private static IEnumerable<CxrRecord> Development(IReadOnlyDictionary<CxrRecord, SplitName> assignment) =>
        assignment.Where(p => IsDevelopment(p.Value)).Select(p => p.Key);

    private static bool IsDevelopment(SplitName split) => split is SplitName.Train or SplitName.Val;
}
