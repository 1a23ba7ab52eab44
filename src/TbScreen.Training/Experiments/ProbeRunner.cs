using TbScreen.Audit;
using TbScreen.Audit.Probe;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Data;
using TbScreen.Training.Evaluation;
using TbScreen.Training.Training;

namespace TbScreen.Training.Experiments;

/// <summary>A checkpoint to probe, and optionally the shipped ONNX bundle it must match.</summary>
public sealed record ProbeModel(string Checkpoint, string? Bundle);

/// <summary>TorchSharp checkpoint vs shipped ONNX on the same preprocessed images: max |P(TB) difference|.</summary>
public sealed record ParityCheck(string Model, string Checkpoint, string Bundle, int Images, double MaxAbsDifference, bool Matches);

/// <summary>probe.json: the parity checks and every probe.</summary>
public sealed record ProbeReport(string Notice, int Images, ProbeOptions Options, IReadOnlyList<ParityCheck> Parity, IReadOnlyList<ProbeResult> Probes, IReadOnlyList<string> Notes);

/// <summary>
/// The site and sex shortcut probe: penultimate features of each checkpoint for every image of the data set, then
/// patient-grouped cross-validated probes for site (all images, and within each label class, because site and label
/// are confounded here), sex and age band (where known). The images include the models' own training images, so
/// the probe measures what the representation separates, not generalisation.
/// </summary>
public static class ProbeRunner
{
    public const double ParityTolerance = 1e-3;

    public static ProbeReport Run(IReadOnlyList<CxrRecord> records, IReadOnlyList<ProbeModel> models, ProbeOptions options, int parityImages, int replicates, TextWriter log, int threads = 1)
    {
        TorchSharp.torch.set_num_threads(Math.Max(1, threads));
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(models);
        var parity = new List<ParityCheck>();
        var probes = new List<ProbeResult>();
        var notes = new List<string>();
        var bands = AgeBands.Parse(AgeBands.Default);
        var cache = new Dictionary<TbScreen.Imaging.InputContract, PreprocessedImages>();
        foreach (var probeModel in models)
        {
            var (model, sidecar) = Checkpoints.Load(probeModel.Checkpoint);
            ImageFeatures features;
            PreprocessedImages images;
            using (model)
            {
                if (!cache.TryGetValue(sidecar.Options.Contract, out images!))
                {
                    log.WriteLine($"preprocessing {records.Count} images");
                    images = PreprocessedImages.Load(records, sidecar.Options.Contract, Math.Max(1, threads));
                    cache[sidecar.Options.Contract] = images;
                }

                log.WriteLine($"{sidecar.Arch}: extracting penultimate features from {probeModel.Checkpoint}");
                features = PenultimateFeatures.Extract(model, sidecar.Arch, images, Enumerable.Range(0, records.Count).ToArray());
            }

            if (probeModel.Bundle is string bundle)
            {
                parity.Add(Parity(sidecar.Arch, probeModel.Checkpoint, bundle, images, features, Math.Min(parityImages, records.Count)));
                log.WriteLine($"{sidecar.Arch}: parity with {bundle}: max |dP| = {parity[^1].MaxAbsDifference:E2}");
            }

            foreach (var (target, subset, select, value) in Targets(bands))
            {
                int[] rows = Enumerable.Range(0, records.Count).Where(i => select(records[i]) && value(records[i]) is not null).ToArray();
                var classes = rows.Select(i => value(records[i])!).Distinct().Count();
                if (classes < 2)
                {
                    notes.Add($"{sidecar.Arch}: no {target} probe {subset}: {rows.Length} images with {classes} {target} value(s)");
                    continue;
                }

                log.WriteLine($"{sidecar.Arch}: probing {target} ({subset}, {rows.Length} images)");
                probes.Add(ProbeEvaluation.Run(sidecar.Arch, target, subset, rows.Select(i => features.Features[i]).ToArray(),
                    rows.Select(i => value(records[i])!).ToArray(), rows.Select(i => records[i].PatientId).ToArray(), options, replicates));
            }
        }

        return new ProbeReport(FairnessAudit.ResearchNotice, records.Count, options, parity, probes, notes);
    }

    private static IEnumerable<(string Target, string Subset, Func<CxrRecord, bool> Select, Func<CxrRecord, string?> Value)> Targets(AgeBands bands)
    {
        static string? Site(CxrRecord r) => string.IsNullOrWhiteSpace(r.Source) ? null : r.Source;
        yield return ("site", "all images", _ => true, Site);
        yield return ("site", "negatives only", r => r.Label == CxrRecord.NotTb, Site);
        yield return ("site", "positives only", r => r.Label == CxrRecord.Tb, Site);
        yield return ("sex", "where known", _ => true, r => SubgroupAttributes.NormaliseSex(r.Sex) is var s && s != SubgroupAttributes.Unknown ? s : null);
        yield return ("age band", "where known", _ => true, r => r.Age is double a ? bands.Label(a) : null);
    }

    private static ParityCheck Parity(string arch, string checkpoint, string bundle, PreprocessedImages images, ImageFeatures features, int count)
    {
        using var onnx = new OnnxClassifier(ModelBundle.Load(bundle));
        double max = 0;
        for (int i = 0; i < count; i++)
        {
            double p = onnx.PredictOne(images.ToModelInputArray(i)).TbProbability;
            max = Math.Max(max, Math.Abs(p - features.TbProbabilities[i]));
        }

        return new ParityCheck(arch, Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(checkpoint))) + "/" + Path.GetFileName(checkpoint),
            Path.GetFileName(Path.GetFullPath(bundle).TrimEnd('/')), count, max, max <= ParityTolerance);
    }
}
