using System.Diagnostics;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Ensembles;
using TbScreen.Inference.Runtime;
using static TorchSharp.torch;

namespace TbScreen.Training.Robustness;

/// <summary>
/// PGD and the Lipschitz estimate of a float32 ensemble beside its INT8 twin on the same images, seeds and settings.
/// Float32: white-box in TorchSharp, on nets imported from the bundles' graphs and proven by parity. INT8: BPDA
/// (<see cref="StraightThroughTarget"/>), and the transfer attack (every iterate of the float32 PGD scored on INT8).
/// Bundles are loaded once and shared by the pairs of one run.
/// </summary>
public sealed class QuantizedRobustness : IDisposable
{
    private readonly string modelsDirectory;
    private readonly RobustnessData data;
    private readonly QuantizedAttackOptions options;
    private readonly Action<string> progress;
    private readonly InferenceOptions inference;
    private readonly Dictionary<string, (NetTarget Target, IDisposable Model, MemberRecord Record)> fp32 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (StraightThroughTarget Target, OnnxClassifier Session, MemberRecord Record)> int8 = new(StringComparer.Ordinal);

    public QuantizedRobustness(string modelsDirectory, RobustnessData data, QuantizedAttackOptions options, Action<string> progress)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (data.Count < 1)
        {
            throw new ArgumentException("No images to attack.", nameof(data));
        }

        this.modelsDirectory = modelsDirectory;
        this.data = data;
        this.options = options;
        this.progress = progress ?? (_ => { });
        inference = new InferenceOptions { IntraOpThreads = options.Threads };
        set_num_threads(options.Threads);
    }

    public QuantizedPairResult Compare(string fp32File, string int8File)
    {
        var clock = Stopwatch.StartNew();
        var (fp32Ensemble, fp32Members) = Fp32Ensemble(fp32File);
        var (int8Ensemble, int8Members) = Int8Ensemble(int8File);
        var batches = Enumerable.Range(0, data.Count).Chunk(options.BatchSize).ToArray();
        var fp32Clean = new List<double>();
        var int8Clean = new List<double>();
        var fp32Robust = new List<bool>();
        var bpdaRobust = new List<bool>();
        var transferRobust = new List<bool>();
        var fp32Lipschitz = new List<double>();
        var int8Lipschitz = new List<double>();
        progress($"{fp32File} vs {int8File}: attacking {data.Count} images at eps {options.Epsilon * 255:0.##}/255 (PGD-{options.Pgd.Steps}, Lipschitz {options.Lipschitz.Steps} x {options.Lipschitz.StepSize})");
        for (int b = 0; b < batches.Length; b++)
        {
            using var scope = NewDisposeScope();
            // Seeded by (seed, batch) like RobustnessEvaluator; both precisions get the same random starts and noise.
            ulong seed = (ulong)options.Seed * 1_000_003UL + (ulong)b * 2UL;
            using var fp32Start = new Generator(seed);
            using var int8Start = new Generator(seed);
            using var fp32Noise = new Generator(seed + 1);
            using var int8Noise = new Generator(seed + 1);
            var gray = data.Gray(batches[b]);
            var labels = data.LabelTensor(batches[b]);
            var int8CleanBatch = Attacks.TbProbabilities(int8Ensemble, gray);
            fp32Clean.AddRange(Attacks.TbProbabilities(fp32Ensemble, gray).data<float>().Select(p => (double)p));
            int8Clean.AddRange(int8CleanBatch.data<float>().Select(p => (double)p));

            var transfer = new Attacks.DecisionTracker(int8Ensemble, labels);
            transfer.Observe(int8CleanBatch);
            var white = Attacks.Pgd(fp32Ensemble, gray, labels, options.Epsilon, options.Pgd, fp32Start, x => transfer.Observe(Attacks.TbProbabilities(int8Ensemble, x)));
            var bpda = Attacks.Pgd(int8Ensemble, gray, labels, options.Epsilon, options.Pgd, int8Start);
            fp32Robust.AddRange(white.RobustCorrect);
            bpdaRobust.AddRange(bpda.RobustCorrect);
            transferRobust.AddRange(transfer.Outcome().RobustCorrect);
            fp32Lipschitz.AddRange(LipschitzEstimator.Estimate(fp32Ensemble, gray, options.Epsilon, LipschitzOutputKind.Probabilities, options.Lipschitz, fp32Noise));
            int8Lipschitz.AddRange(LipschitzEstimator.Estimate(int8Ensemble, gray, options.Epsilon, LipschitzOutputKind.Probabilities, options.Lipschitz, int8Noise));
            progress($"{int8File}: batch {b + 1}/{batches.Length}: robust so far FP32 {fp32Robust.Count(r => r)}/{fp32Robust.Count}, INT8 BPDA {bpdaRobust.Count(r => r)}, " +
                $"transfer {transferRobust.Count(r => r)}; Lipschitz mean FP32 {fp32Lipschitz.Average():G4}, INT8 {int8Lipschitz.Average():G4} ({clock.Elapsed.TotalMinutes:F1} min)");
        }

        var perImage = new QuantizedPerImage(data.Files, data.Labels, fp32Clean, int8Clean, fp32Robust, bpdaRobust, transferRobust, fp32Lipschitz, int8Lipschitz);
        return new QuantizedPairResult(fp32File, int8File, fp32Members, int8Members,
            Summary(fp32File, "white-box", fp32Ensemble.Threshold, fp32Clean, fp32Robust, fp32Lipschitz),
            Summary(int8File, "bpda", int8Ensemble.Threshold, int8Clean, bpdaRobust, int8Lipschitz),
            Summary(int8File, "transfer", int8Ensemble.Threshold, int8Clean, transferRobust, null),
            Paired(bpdaRobust.Zip(fp32Robust, (a, b) => (a ? 1.0 : 0.0) - (b ? 1.0 : 0.0)).ToArray()),
            Paired(int8Lipschitz.Zip(fp32Lipschitz, (a, b) => a - b).ToArray()),
            perImage, clock.Elapsed.TotalSeconds);
    }

    public void Dispose()
    {
        foreach (var member in int8.Values) member.Session.Dispose();
        foreach (var member in fp32.Values) member.Model.Dispose();
    }

    private AttackSummary Summary(string target, string method, double threshold, List<double> clean, List<bool> robust, List<double>? lipschitz)
    {
        bool[] cleanCorrect = clean.Select((p, i) => RobustnessEvaluator.IsCorrect(p, data.Labels[i], threshold)).ToArray();
        int flipped = robust.Where((r, i) => cleanCorrect[i] && !r).Count();
        var lip = lipschitz is null ? null : new LipschitzSummary(RobustnessEvaluator.Name(LipschitzOutputKind.Probabilities), lipschitz.Average(),
            Bootstrap.MeanCi(lipschitz, options.BootstrapReplicates, options.Seed), Bootstrap.Median(lipschitz), lipschitz.Max());
        return new AttackSummary(target, method, threshold, clean.Count, cleanCorrect.Count(c => c) / (double)clean.Count, robust.Count(r => r) / (double)robust.Count, flipped, lip);
    }

    private QuantizedDifference Paired(double[] differences) =>
        new(differences.Average(), Bootstrap.MeanCi(differences, options.BootstrapReplicates, options.Seed));

    private (EnsembleTarget Target, IReadOnlyList<MemberRecord> Members) Fp32Ensemble(string file)
    {
        var (definition, weights) = Definition(file);
        var members = definition.Members.Select(m => Fp32Member(m.Bundle)).ToArray();
        return (new EnsembleTarget(Path.GetFileNameWithoutExtension(file), members.Select(m => (IAttackTarget)m.Target).ToArray(), weights, definition.Threshold),
            members.Select(m => m.Record).ToArray());
    }

    private (EnsembleTarget Target, IReadOnlyList<MemberRecord> Members) Int8Ensemble(string file)
    {
        var (definition, weights) = Definition(file);
        var members = definition.Members.Select(m => Int8Member(m.Bundle)).ToArray();
        return (new EnsembleTarget(Path.GetFileNameWithoutExtension(file), members.Select(m => (IAttackTarget)m.Target).ToArray(), weights, definition.Threshold),
            members.Select(m => m.Record).ToArray());
    }

    private (EnsembleDefinition Definition, double[] Weights) Definition(string file)
    {
        string path = Path.Combine(modelsDirectory, file);
        var definition = BundleTargets.LoadEnsemble(path);
        BundleTargets.RefuseTestTimeViews(path, definition);

        double[] weights = definition.Rule == EnsembleDefinition.WeightedRule ? definition.Members.Select(m => m.Weight).ToArray() : definition.Members.Select(_ => 1.0).ToArray();
        return (definition, weights);
    }

    private (NetTarget Target, IDisposable Model, MemberRecord Record) Fp32Member(string name)
    {
        if (fp32.TryGetValue(name, out var loaded)) return loaded;
        var bundle = Bundle(name);
        var parityPlanes = data.Planes.Take(options.ParityImages).ToArray();
        var (model, _, proof) = BundleCheckpoint.Import(bundle, parityPlanes, options.ParityTolerance, inference);
        progress($"{name}: float32 net imported from {bundle.OnnxPath}, max |dP| {proof.ParityMaxDifference:G3} against ONNX Runtime on {proof.ParityImages} images");
        var record = new MemberRecord(name, ModelBundle.Sha256Of(bundle.OnnxPath), null, proof.ParityMaxDifference);
        return fp32[name] = (new NetTarget(name, model, bundle.Metadata.Input!, bundle.Threshold), model, record);
    }

    private (StraightThroughTarget Target, OnnxClassifier Session, MemberRecord Record) Int8Member(string name)
    {
        if (int8.TryGetValue(name, out var loaded)) return loaded;
        var bundle = Bundle(name); // rebuilds a missing INT8 model.onnx from its recipe (Int8Recipe)
        var quantization = bundle.Metadata.Quantization
            ?? throw new RobustnessException(bundle.Directory, "has no quantization section: the INT8 side of a pair must be an INT8 bundle");
        var source = Fp32Member(quantization.SourceBundle);
        if (!string.Equals(source.Record.OnnxSha256, quantization.SourceSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new RobustnessException(bundle.Directory, $"was quantised from a {quantization.SourceBundle} whose model.onnx had SHA-256 {quantization.SourceSha256}, not {source.Record.OnnxSha256}");
        }

        // The float32 side keeps the optimised graph; only the INT8 forward has a CPU-dependent arithmetic.
        var session = new OnnxClassifier(bundle, inference with { QdqArithmetic = options.QdqArithmetic });
        var record = new MemberRecord(name, ModelBundle.Sha256Of(bundle.OnnxPath), quantization.SourceBundle, null) { Int8Arithmetic = session.Int8Arithmetic };
        progress($"{name}: INT8 graph {record.OnnxSha256[..12]}, gradients from {quantization.SourceBundle}");
        return int8[name] = (new StraightThroughTarget(name, source.Target, session, bundle.Threshold), session, record);
    }

    private ModelBundle Bundle(string name)
    {
        var bundle = ModelBundle.Load(Path.Combine(modelsDirectory, name));
        if (bundle.Metadata.Input! with { Channels = 1 } != data.Contract with { Channels = 1 })
        {
            throw new RobustnessException(bundle.Directory, "input contract differs from the one the images were preprocessed with");
        }

        return bundle;
    }
}
