using TbScreen.Imaging;

namespace TbScreen.Inference.Bundles;

/// <summary>
/// models/&lt;name&gt;/metadata.json (schema version 1; docs/model-bundles.md). Written by the exporter, read and
/// validated by <see cref="ModelBundle"/>. Property names serialise camelCase.
/// </summary>
public sealed record ModelMetadata
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; }

    public string Name { get; init; } = "";

    public string Version { get; init; } = "";

    /// <summary>e.g. "alexnet" or "googlenet".</summary>
    public string Architecture { get; init; } = "";

    /// <summary>The preprocessing the model was trained with; inference reproduces it exactly.</summary>
    public InputContract? Input { get; init; }

    public OnnxTensorNames Onnx { get; init; } = new();

    /// <summary>Class names in the order of the probability output's second axis, e.g. ["non-tb", "tb"].</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Index into <see cref="Labels"/> of TB, the class whose probability is the score.</summary>
    public int PositiveIndex { get; init; } = 1;

    public ModelThresholds? Thresholds { get; init; }

    public TrainingDataSummary? Training { get; init; }

    public IReadOnlyList<ReportedMetric> Metrics { get; init; } = [];

    /// <summary>Lower-case hex SHA-256 of model.onnx; a bundle whose file differs is refused.</summary>
    public string OnnxSha256 { get; init; } = "";

    /// <summary>Optional: where a derived model (e.g. a pruned one) came from. Absent for directly trained bundles.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ModelLineage? Lineage { get; init; }

    /// <summary>
    /// Optional lower-case hex SHA-256 of ood.json (the out-of-distribution detector, written by <c>tbscreen fit-ood</c>).
    /// Null: no detector, the bundle never raises "unfamiliar". Set: ood.json must exist and match, or the bundle is refused.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? OodSha256 { get; init; }

    /// <summary>Optional: set on a statically quantised (INT8) bundle made by <c>tbscreen quantize</c> (docs/quantization.md).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public ModelQuantization? Quantization { get; init; }
}

/// <summary>How an INT8 bundle was quantised from its float32 source bundle.</summary>
public sealed record ModelQuantization
{
    /// <summary>"qdq-static": QuantizeLinear/DequantizeLinear pairs that ONNX Runtime fuses into QLinearConv/QGemm.</summary>
    public string Format { get; init; } = "";

    /// <summary>Activation range method: minmax, percentile or entropy.</summary>
    public string Method { get; init; } = "";

    /// <summary>"uint8" (U8S8) or "int8" (S8S8), per tensor, asymmetric.</summary>
    public string Activations { get; init; } = "";

    /// <summary>"int8-symmetric-per-channel".</summary>
    public string Weights { get; init; } = "";

    /// <summary>
    /// Weights in [-64, 64] rather than [-127, 127]: U8S8 then computes exactly on CPUs without VNNI, whose integer
    /// kernels otherwise saturate (docs/quantization.md, "CPU dependence"). Absent (false) in bundles written before it existed.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool ReduceRange { get; init; }

    /// <summary>The split the calibration images came from (always "train").</summary>
    public string CalibrationSplit { get; init; } = "";

    public int CalibrationCount { get; init; }

    /// <summary>SHA-256 over the calibration images' names and contents, in the order used.</summary>
    public string CalibrationSha256 { get; init; } = "";

    /// <summary>Node names left in float32, chosen by the sensitivity sweep (quantization.json has the sweep).</summary>
    public IReadOnlyList<string> FloatLayers { get; init; } = [];

    /// <summary>The float32 bundle's name and the SHA-256 of its model.onnx.</summary>
    public string SourceBundle { get; init; } = "";

    public string SourceSha256 { get; init; } = "";

    /// <summary>Where the thresholds were re-selected ("validation").</summary>
    public string ThresholdsSelectedOn { get; init; } = "";
}

/// <summary>How a bundle was derived from a trained checkpoint (docs/pruning.md).</summary>
public sealed record ModelLineage
{
    /// <summary>e.g. "pruning".</summary>
    public string Kind { get; init; } = "";

    public string SourceCheckpoint { get; init; } = "";

    /// <summary>Lower-case hex SHA-256 of the source checkpoint file.</summary>
    public string SourceSha256 { get; init; } = "";

    /// <summary>finetune, weight-rewind or lr-rewind.</summary>
    public string Method { get; init; } = "";

    public double Rate { get; init; }

    /// <summary>Pruning rounds applied to reach this model.</summary>
    public int Rounds { get; init; }

    public int? RewindEpoch { get; init; }

    public int? RetrainEpochs { get; init; }

    /// <summary>Fraction of the dense conv + linear weights removed.</summary>
    public double Sparsity { get; init; }

    /// <summary>Dense conv + linear weights / remaining.</summary>
    public double Compression { get; init; }

    /// <summary>True when whole channels were removed and the layers rebuilt smaller.</summary>
    public bool Structured { get; init; }
}

/// <summary>Names of the graph's tensors (the exporter's contract).</summary>
public sealed record OnnxTensorNames
{
    /// <summary>float32 [N, C, H, W] with a dynamic batch axis.</summary>
    public string Input { get; init; } = "input";

    /// <summary>float32 [N, classes], softmax probabilities.</summary>
    public string Probability { get; init; } = "probability";

    /// <summary>
    /// Optional float32 [N, h, w] (or [N, 1, h, w]) class activation map for TB, before any normalisation:
    /// cam = sum over c of (W[tb, c] - W[non-tb, c]) * features[c]. Null when the model has none (e.g. AlexNet).
    /// </summary>
    public string? Cam { get; init; }

    /// <summary>
    /// Optional float32 [N, D]: the pooled vector the final linear layer reads, which the out-of-distribution detector
    /// models. Null in bundles exported before it existed: they load and never raise "unfamiliar".
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Features { get; init; }
}

/// <summary>Operating thresholds on the TB probability, chosen on validation data.</summary>
public sealed record ModelThresholds
{
    public const string YoudenName = "youden";
    public const string Sensitivity90Name = "sensitivity90";

    public double Youden { get; init; } = double.NaN;

    /// <summary>Highest threshold with validation sensitivity &gt;= 0.90 (WHO TPP).</summary>
    public double Sensitivity90 { get; init; } = double.NaN;

    /// <summary>Which of the above is the shipped operating threshold: "youden" or "sensitivity90".</summary>
    public string Operating { get; init; } = "";

    /// <summary>The value of the operating threshold; a case is TB when probability &gt;= this.</summary>
    public double OperatingValue => Operating switch
    {
        YoudenName => Youden,
        Sensitivity90Name => Sensitivity90,
        _ => double.NaN,
    };
}

/// <summary>What the model was trained and validated on; free-form notes carry the caveats.</summary>
public sealed record TrainingDataSummary
{
    public string Dataset { get; init; } = "";

    public int TrainCount { get; init; }

    public int ValidationCount { get; init; }

    public IReadOnlyDictionary<string, int> CasesBySource { get; init; } = new Dictionary<string, int>();

    public string? Notes { get; init; }
}

/// <summary>A metric as reported in the model card, with its confidence interval and how it was computed.</summary>
public sealed record ReportedMetric
{
    public string Name { get; init; } = "";

    /// <summary>"validation", "validation/SOURCE", "out-of-fold", "out-of-fold/SOURCE" (a final model trained on train + validation) or "test".</summary>
    public string Split { get; init; } = "";

    public double? Value { get; init; }

    /// <summary>[low, high], or null when not computed.</summary>
    public IReadOnlyList<double>? Ci { get; init; }

    /// <summary>e.g. "delong" or "bootstrap-2000".</summary>
    public string? CiMethod { get; init; }
}
