using TbScreen.Inference.Datasets;
using TbScreen.Training.Data;
using TbScreen.Training.Splits;

namespace TbScreen.Training.Pruning;

/// <summary>
/// The preprocessed train, validation and test images of one split, loaded once and shared by every method of a
/// `prune` call. Retraining reads only train; the selection rule reads only validation; test AUC is reported.
/// </summary>
public sealed class PruningData
{
    private PruningData(PreprocessedImages images, int[] train, int[] validation, int[] test, int[] labels, IReadOnlyList<CxrRecord> trainRecords)
    {
        Images = images;
        Train = train;
        Validation = validation;
        Test = test;
        Labels = labels;
        TrainRecords = trainRecords;
    }

    public PreprocessedImages Images { get; }

    public int[] Train { get; }

    public int[] Validation { get; }

    public int[] Test { get; }

    public int[] Labels { get; }

    public IReadOnlyList<CxrRecord> TrainRecords { get; }

    /// <param name="validationOptional">
    /// True for a model trained on train + validation (its thresholds come from out-of-fold predictions): an empty
    /// validation split is then allowed, and validation AUCs are not measured.
    /// </param>
    public static PruningData Load(DatasetSplit split, TbScreen.Imaging.InputContract contract, int threads, Action<int, int>? progress = null, bool validationOptional = false)
    {
        ArgumentNullException.ThrowIfNull(split);
        List<CxrRecord> Of(SplitName name) => split.Records.Where(r => split.Assignment.TryGetValue(r, out var s) && s == name).ToList();
        var train = Of(SplitName.Train);
        var validation = Of(SplitName.Val);
        var test = Of(SplitName.Test);
        foreach (var (records, what) in new[] { (train, "training"), (validation, "validation"), (test, "test") })
        {
            if (records.Count == 0 && what == "validation" && validationOptional)
            {
                continue;
            }

            int positives = records.Count(r => r.Label == CxrRecord.Tb);
            if (positives == 0 || positives == records.Count)
            {
                throw new DatasetException($"the {what} split needs both classes; it has {positives} TB and {records.Count - positives} non-TB images");
            }
        }

        int total = train.Count + validation.Count + test.Count, done = 0;
        var images = PreprocessedImages.Load([.. train, .. validation, .. test], contract, threads,
            () => progress?.Invoke(Interlocked.Increment(ref done), total));
        int[] Range(int start, int count) => Enumerable.Range(start, count).ToArray();
        return new PruningData(
            images,
            Range(0, train.Count),
            Range(train.Count, validation.Count),
            Range(train.Count + validation.Count, test.Count),
            [.. train.Select(r => r.Label), .. validation.Select(r => r.Label), .. test.Select(r => r.Label)],
            train);
    }
}
