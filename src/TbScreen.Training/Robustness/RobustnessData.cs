using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Evaluation;
using TbScreen.Training.Data;
using static TorchSharp.torch;

namespace TbScreen.Training.Robustness;

/// <summary>The labelled images of a split, preprocessed once with a bundle's contract and kept as [0,1] gray planes in float.</summary>
public sealed class RobustnessData
{
    private RobustnessData(InputContract contract, IReadOnlyList<string> files, bool[] labels, float[][] planes, IReadOnlyList<string> failures)
    {
        Contract = contract;
        Files = files;
        Labels = labels;
        Planes = planes;
        Failures = failures;
    }

    public InputContract Contract { get; }

    public IReadOnlyList<string> Files { get; }

    public bool[] Labels { get; }

    public float[][] Planes { get; }

    /// <summary>"file: reason" for images that could not be read (left out of every metric).</summary>
    public IReadOnlyList<string> Failures { get; }

    public int Count => Planes.Length;

    public int Size => Contract.Size;

    public static RobustnessData Load(IReadOnlyList<ManifestRow> rows, InputContract contract, int threads, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(contract);
        // Attacks perturb the model's input square; for a lung-cropping bundle that square depends on a segmentation of the
        // perturbed film, which this harness does not model. Refused rather than silently attacking the full film.
        LungCropGuard.Refuse(contract, "robustness evaluation");
        var single = contract with { Channels = 1 };
        var planes = new float[rows.Count][];
        var errors = new string?[rows.Count];
        int done = 0;
        Parallel.For(0, rows.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            try
            {
                float[] normalised = RadiographPipeline.ToTensor(RadiographFiles.Load(rows[i].Path), single);
                // Undo the contract's normalisation: attacks live in the [0,1] image space.
                planes[i] = RadiographPipeline.ToUnitPlane(normalised, single);
            }
            catch (Exception e) when (e is DicomException or ImageDecodeException or IOException)
            {
                errors[i] = $"{rows[i].File}: {e.Message}";
            }

            progress?.Invoke(Interlocked.Increment(ref done), rows.Count);
        });
        var kept = Enumerable.Range(0, rows.Count).Where(i => planes[i] is not null).ToArray();
        return new RobustnessData(contract, kept.Select(i => rows[i].File).ToArray(), kept.Select(i => rows[i].IsTb).ToArray(),
            kept.Select(i => planes[i]).ToArray(), errors.Where(e => e is not null).Select(e => e!).ToArray());
    }

    /// <summary>Data already in the [0,1] space, without reading files (tests).</summary>
    internal static RobustnessData FromPlanes(InputContract contract, IReadOnlyList<string> files, bool[] labels, float[][] planes)
    {
        if (files.Count != planes.Length || labels.Length != planes.Length || planes.Any(p => p.Length != contract.Size * contract.Size))
        {
            throw new ArgumentException($"one file name, one label and one {contract.Size}x{contract.Size} plane per image");
        }

        return new RobustnessData(contract, files, labels, planes, []);
    }

    /// <summary>
    /// At most <paramref name="count"/> images taken alternately from each class in the data's order: the attack subset
    /// when attacking every image is too slow (the attacks cost ~20 gradient evaluations per image per eps).
    /// </summary>
    public RobustnessData BalancedSubset(int count)
    {
        var negatives = Enumerable.Range(0, Count).Where(i => !Labels[i]).ToArray();
        var positives = Enumerable.Range(0, Count).Where(i => Labels[i]).ToArray();
        var picked = new List<int>(count);
        for (int i = 0; picked.Count < count && (i < negatives.Length || i < positives.Length); i++)
        {
            if (i < negatives.Length)
            {
                picked.Add(negatives[i]);
            }

            if (i < positives.Length && picked.Count < count)
            {
                picked.Add(positives[i]);
            }
        }

        return new RobustnessData(Contract, picked.Select(i => Files[i]).ToArray(), picked.Select(i => Labels[i]).ToArray(), picked.Select(i => Planes[i]).ToArray(), Failures);
    }

    /// <summary>Gray [N,1,S,S] of the given images.</summary>
    public Tensor Gray(IReadOnlyList<int> indices) => Stack(indices.Select(i => Planes[i]).ToArray(), Size);

    public Tensor LabelTensor(IReadOnlyList<int> indices) => tensor(indices.Select(i => Labels[i] ? 1L : 0L).ToArray());

    public static Tensor Stack(IReadOnlyList<float[]> planes, int size)
    {
        var batch = new float[(long)planes.Count * size * size];
        for (int b = 0; b < planes.Count; b++)
        {
            planes[b].CopyTo(batch, (long)b * size * size);
        }

        return tensor(batch, new long[] { planes.Count, 1, size, size });
    }
}
