using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;
using TbScreen.Onnx.Quantization;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Data;
using TbScreen.Training.Splits;

namespace TbScreen.Training.Quantization;

/// <summary>Options of <c>tbscreen quantize</c>.</summary>
public sealed record QuantizationOptions
{
    public CalibrationMethod Method { get; init; } = CalibrationMethod.Percentile;

    public ActivationType Activations { get; init; } = ActivationType.UInt8;

    /// <summary>Weights in [-64, 64] (ONNX Runtime's reduce_range), for hosts without VNNI; costs one bit of weight precision.</summary>
    public bool ReduceRange { get; init; }

    /// <summary>Calibration images drawn from the training split.</summary>
    public int CalibrationCount { get; init; } = 128;

    public double Percentile { get; init; } = 99.99;

    /// <summary>
    /// For a source trained on train + validation (thresholds from out-of-fold predictions): how many training images,
    /// none of them calibration images, the sweep measures INT8 against float32 on.
    /// </summary>
    public int CheckCount { get; init; } = 200;

    public int Seed { get; init; } = 1;

    public int Threads { get; init; } = 1;

    /// <summary>Sweep target: keep layers in float32 until the mean |p_int8 - p_fp32| on validation is at most this.</summary>
    public double Tolerance { get; init; } = 0.005;

    /// <summary>At most this many layers stay float32 (the speed-up shrinks with each).</summary>
    public int MaxFloatLayers { get; init; } = 4;

    /// <summary>Skip the sweep and keep exactly these node names in float32 (plus the CAM conv, which is always kept).</summary>
    public IReadOnlyList<string>? FloatLayers { get; init; }

    public void Validate()
    {
        if (CalibrationCount < 1) throw new ArgumentException("--calibration must be at least 1");
        if (CheckCount < 1) throw new ArgumentException("--check-images must be at least 1");
        if (Percentile is <= 50 or > 100) throw new ArgumentException("--percentile must be in (50, 100]");
        if (Tolerance < 0 || MaxFloatLayers < 0) throw new ArgumentException("--tolerance and --max-float-layers must not be negative");
        if (Threads < 1) throw new ArgumentException("--threads must be at least 1");
    }
}

/// <summary>One step of the per-layer sensitivity sweep, measured on the validation split.</summary>
public sealed record LayerSensitivity(string Layer, double MeanAbsoluteError, int DecisionsChanged);

/// <summary>What <see cref="QuantizationRun.Run"/> produced (the caller writes the bundle).</summary>
public sealed record QuantizationResult(
    byte[] Model,
    IReadOnlyDictionary<string, (float Min, float Max)> Ranges,
    IReadOnlyList<string> FloatLayers,
    IReadOnlyList<LayerSensitivity> Sweep,
    IReadOnlyList<LayerSensitivity> Greedy,
    double FullInt8Error,
    IReadOnlyList<string> CalibrationFiles,
    string CalibrationSha256,
    float[] ValidationFp32,
    float[] ValidationInt8,
    bool[] ValidationLabels,
    bool ThresholdsFromSource = false)
{
    /// <summary>Which images the sweep and the INT8-float32 agreement were measured on.</summary>
    public string CheckImages => ThresholdsFromSource ? "training images outside the calibration set" : "validation";
}

/// <summary>
/// Static INT8 quantisation of one float bundle: calibrate on training images with every activation exposed as an
/// output, sweep the layers' sensitivity on validation images, and emit the QDQ graph (docs/quantization.md).
/// </summary>
public sealed class QuantizationRun(ModelBundle source, DatasetSplit split, QuantizationOptions options, Action<string> log)
{
    private const int Batch = 8;

    public QuantizationResult Run()
    {
        options.Validate();
        var contract = source.Metadata.Input ?? throw new ModelBundleException(source.Directory, "metadata has no input contract");
        byte[] fp32 = File.ReadAllBytes(source.OnnxPath);
        List<string> Paths(SplitName name) => split.Records.Where(r => split.Assignment.TryGetValue(r, out var s) && s == name).Select(r => r.Path).ToList();
        var calibration = CalibrationSet.Choose(Paths(SplitName.Train), options.CalibrationCount, options.Seed);
        var validationRecords = split.Records.Where(r => split.Assignment.TryGetValue(r, out var s) && s == SplitName.Val).ToList();
        if (calibration.Count == 0) throw new DatasetException("the training split is empty: nothing to calibrate on");
        bool fromSource = validationRecords.Count == 0 && HasOutOfFoldThresholds(source);
        if (fromSource)
        {
            // A final model trained on train + validation: no image is unseen, so the thresholds stay the float32 source's
            // (chosen out-of-fold) and the sweep only measures agreement, on training images the ranges were not fitted to.
            var byPath = split.Records.Where(r => split.Assignment.TryGetValue(r, out var s) && s == SplitName.Train).ToDictionary(r => r.Path);
            validationRecords = CalibrationSet.Choose(Paths(SplitName.Train), options.CalibrationCount + options.CheckCount, options.Seed)
                .Skip(calibration.Count).Select(p => byPath[p]).ToList();
        }

        if (validationRecords.Count == 0)
        {
            throw new DatasetException(fromSource
                ? "every training image is a calibration image: nothing is left to check INT8 against float32 on (lower --calibration)"
                : "the validation split is empty: the sweep and the thresholds need it (a model trained on train + validation needs its thresholds from out-of-fold predictions: export-onnx --oof)");
        }

        log($"calibration: {calibration.Count} training images, {options.Method.ToString().ToLowerInvariant()}");
        string hash = CalibrationSet.Hash(calibration);
        var calibrationInputs = Load(calibration, contract);
        var ranges = Calibrate(fp32, calibrationInputs);

        log(fromSource
            ? $"no validation split: thresholds stay the float32 source's (out-of-fold); the sweep uses {validationRecords.Count} training images outside the calibration set"
            : $"validation: {validationRecords.Count} images");
        var validationInputs = Load(validationRecords.Select(r => r.Path).ToList(), contract);
        bool[] labels = validationRecords.Select(r => r.Label == CxrRecord.Tb).ToArray();
        float[] reference = Probabilities(fp32, validationInputs);
        double threshold = source.Threshold;

        // The CAM conv stays float32: its output is a graph output with no Q after it, so ONNX Runtime could not fuse it,
        // and quantising it would only add error to the heatmap.
        string[] alwaysFloat = source.Metadata.Onnx.Cam is { } cam && QdqQuantizer.ProducerOf(fp32, cam) is { } camLayer ? [camLayer] : [];
        var layers = QdqQuantizer.QuantizableLayers(fp32).Where(l => !alwaysFloat.Contains(l)).ToList();
        // The sweep measures the QDQ arithmetic itself, not this CPU's integer kernels: otherwise a host without VNNI,
        // where full-range U8S8 products saturate, keeps layers in float32 that a VNNI host serving the bundle would not need.
        log("the sweep measures the QDQ graph's own arithmetic (graph optimisations off), so its choice does not depend on this CPU");
        LayerSensitivity Measure(string label, IEnumerable<string> keep)
        {
            var p = Probabilities(Quantize(fp32, ranges, keep), validationInputs, qdqArithmetic: true);
            return new LayerSensitivity(label, MeanAbs(p, reference), Changed(p, reference, threshold));
        }

        var full = Measure("(none)", alwaysFloat);
        log($"all layers INT8: mean |dp| {full.MeanAbsoluteError:F5}, {full.DecisionsChanged} validation decisions changed");
        var sweep = new List<LayerSensitivity>();
        var greedy = new List<LayerSensitivity> { full };
        List<string> kept;
        if (options.FloatLayers is { } fixedLayers)
        {
            kept = [.. fixedLayers.Where(l => !alwaysFloat.Contains(l))];
        }
        else
        {
            // Leave-one-out sensitivity: how much of the full-INT8 error goes away when this one layer stays float32.
            foreach (string layer in layers)
            {
                var m = Measure(layer, [.. alwaysFloat, layer]);
                sweep.Add(m);
                log($"  {layer} float32: mean |dp| {m.MeanAbsoluteError:F5}, {m.DecisionsChanged} changed");
            }

            kept = [];
            var current = full;
            foreach (var candidate in sweep.OrderBy(s => s.MeanAbsoluteError).ThenBy(s => s.DecisionsChanged))
            {
                if (current.MeanAbsoluteError <= options.Tolerance || kept.Count >= options.MaxFloatLayers || candidate.MeanAbsoluteError >= full.MeanAbsoluteError) break;
                var next = Measure(candidate.Layer, [.. alwaysFloat, .. kept, candidate.Layer]);
                if (next.MeanAbsoluteError >= current.MeanAbsoluteError) continue;
                kept.Add(candidate.Layer);
                greedy.Add(next);
                current = next;
                log($"keep {candidate.Layer} in float32: mean |dp| {next.MeanAbsoluteError:F5}, {next.DecisionsChanged} changed");
            }
        }

        var floatLayers = alwaysFloat.Concat(kept).Distinct().ToList();
        byte[] model = Quantize(fp32, ranges, floatLayers);
        float[] int8 = Probabilities(model, validationInputs);
        // After a sweep the last greedy step is the chosen recipe, already measured in QDQ arithmetic; fixed layers are not.
        double qdqError = options.FloatLayers is null ? greedy[^1].MeanAbsoluteError : MeanAbs(Probabilities(model, validationInputs, qdqArithmetic: true), reference);
        log(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"chosen recipe: mean |dp| {MeanAbs(int8, reference):F5} with this CPU's integer kernels (VNNI: {TbScreen.Inference.Runtime.Int8Kernels.HasVnni}), {qdqError:F5} in QDQ arithmetic"));
        return new QuantizationResult(model, ranges, floatLayers, sweep, greedy, full.MeanAbsoluteError, calibration, hash, reference, int8, labels, fromSource);
    }

    /// <summary>A bundle whose thresholds came from out-of-fold predictions (export-onnx --oof) reports out-of-fold metrics.</summary>
    public static bool HasOutOfFoldThresholds(ModelBundle bundle) =>
        bundle.Metadata.Metrics.Any(m => m.Split.StartsWith(TbScreen.Training.Export.BundleExporter.OutOfFoldPrefix, StringComparison.Ordinal));

    /// <summary>The QDQ model for the given ranges, activation type and float32 layers.</summary>
    public byte[] Quantize(byte[] fp32, IReadOnlyDictionary<string, (float Min, float Max)> ranges, IEnumerable<string> keepFloat) =>
        QdqQuantizer.Quantize(fp32, new QdqOptions { Ranges = ranges, Activations = options.Activations, KeepFloat = keepFloat.ToHashSet(StringComparer.Ordinal), ReduceRange = options.ReduceRange });

    private Dictionary<string, (float Min, float Max)> Calibrate(byte[] fp32, List<float[]> inputs)
    {
        var (exposed, tensors) = QdqQuantizer.ExposeActivations(fp32);
        var collectors = tensors.ToDictionary(t => t, _ => new RangeCollector(options.Method, percentile: options.Percentile), StringComparer.Ordinal);
        using var runner = new OnnxGraphRunner(exposed, options.Threads);
        var outputs = tensors.Where(t => runner.OutputNames.Contains(t)).ToList();
        foreach (var (batch, shape) in Batches(inputs))
        {
            if (collectors.TryGetValue(OnnxInputName, out var input)) input.Add(batch);
            runner.Run(batch, shape, outputs, (name, values, _) => collectors[name].Add(values));
        }

        return collectors.ToDictionary(kv => kv.Key, kv => kv.Value.Range(), StringComparer.Ordinal);
    }

    private const string OnnxInputName = TbScreen.Onnx.OnnxModelExporter.InputName;

    private float[] Probabilities(byte[] model, List<float[]> inputs, bool qdqArithmetic = false)
    {
        using var runner = new OnnxGraphRunner(model, options.Threads, qdqArithmetic: qdqArithmetic);
        string output = source.Metadata.Onnx.Probability;
        int positive = source.Metadata.PositiveIndex, classes = source.Metadata.Labels.Count;
        var result = new List<float>(inputs.Count);
        foreach (var (batch, shape) in Batches(inputs))
        {
            float[] p = runner.Run(batch, shape, output)[output];
            for (int i = 0; i < shape[0]; i++) result.Add(p[i * classes + positive]);
        }

        return [.. result];
    }

    private IEnumerable<(float[] Batch, long[] Shape)> Batches(List<float[]> inputs)
    {
        var contract = source.Metadata.Input!;
        int length = contract.Channels * contract.Size * contract.Size;
        for (int start = 0; start < inputs.Count; start += Batch)
        {
            int n = Math.Min(Batch, inputs.Count - start);
            var batch = new float[n * length];
            for (int i = 0; i < n; i++) inputs[start + i].CopyTo(batch, i * length);
            yield return (batch, [n, contract.Channels, contract.Size, contract.Size]);
        }
    }

    private List<float[]> Load(IReadOnlyList<string> paths, InputContract contract)
    {
        LungCropGuard.Refuse(contract, "INT8 calibration and evaluation");
        var tensors = new float[paths.Count][];
        Parallel.For(0, paths.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Threads }, i =>
        {
            try
            {
                tensors[i] = RadiographPipeline.ToTensor(RadiographFiles.Load(paths[i]), contract);
            }
            catch (Exception e) when (e is DicomException or ImageDecodeException)
            {
                throw new DatasetException($"cannot preprocess: {e.Message}", paths[i], inner: e);
            }
        });
        return [.. tensors];
    }

    internal static double MeanAbs(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Average();

    private static int Changed(float[] a, float[] b, double threshold) => a.Zip(b, (x, y) => (x >= threshold) != (y >= threshold)).Count(c => c);
}
