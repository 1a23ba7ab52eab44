namespace TbScreen.Onnx;

/// <summary>How <see cref="OnnxModelExporter"/> builds the graph. Defaults suit GoogLeNet at 224x224.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Input height in pixels. The graph's spatial sizes are static; only the batch is dynamic.</summary>
    public int InputHeight { get; init; } = 224;

    /// <summary>Input width in pixels.</summary>
    public int InputWidth { get; init; } = 224;

    /// <summary>Store weight tensors (rank >= 2) as float16 behind Cast nodes: halves the file, ~1e-3 relative error.</summary>
    public bool Float16Weights { get; init; }

    /// <summary>Add the pre-softmax <c>logits</c> output.</summary>
    public bool IncludeLogits { get; init; } = true;

    /// <summary>
    /// Add the <c>features</c> output [N, D]: the pooled vector the final linear layer reads (AlexNet: classifier.6's
    /// input; GoogLeNet: the 1024-d average pool). The out-of-distribution detector models it.
    /// </summary>
    public bool IncludeFeatures { get; init; } = true;

    /// <summary>Add the <c>feature_map</c> output: the last conv feature map, for CAM / Grad-CAM.</summary>
    public bool IncludeFeatureMap { get; init; } = true;

    /// <summary>
    /// GoogLeNet and ResNet-18 only: add a <c>cam</c> output [N, 1, h, w], the TB-minus-non-TB fc weights applied to
    /// <c>features</c> at each position (Zhou et al. 2016), so inference needs no weights of its own.
    /// </summary>
    public bool IncludeCam { get; init; }

    /// <summary>
    /// Fold BatchNorm into the preceding conv (one op fewer per block); false emits BatchNormalization. Ignored with
    /// <see cref="Float16Weights"/>: folding scales weights before rounding, which tripled GoogLeNet's fp16 error in our
    /// parity test, so fp16 keeps BatchNormalization with float32 parameters.
    /// </summary>
    public bool FoldBatchNorm { get; init; } = true;

    /// <summary>GoogLeNet only: TorchVision's transform_input (ImageNet re-normalisation). TorchSharp 0.107 defaults it to false.</summary>
    public bool TransformInput { get; init; }

    /// <summary>ONNX opset. 17 is well supported by ONNX Runtime 1.31 and has every op used here.</summary>
    public int Opset { get; init; } = 17;

    /// <summary>The model's version string, stored in metadata_props as "tbscreen.model_version" (ONNX's own model_version is an integer).</summary>
    public string ModelVersion { get; init; } = "1";

    /// <summary>Free-form doc string on the model.</summary>
    public string? DocString { get; init; }

    /// <summary>Extra metadata_props, e.g. the input contract as JSON. Keys may not start with "tbscreen.".</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Store float32 weights (rank 2 or more) that are at least <see cref="SparseMinimumZeroFraction"/> zeros as ONNX
    /// sparse_initializers (non-zero values plus int64 flat indices): an unstructured-pruned model's file shrinks;
    /// ONNX Runtime densifies them at load, so inference speed is unchanged. Off by default.
    /// </summary>
    public bool SparseWeights { get; init; }

    /// <summary>Zero fraction from which a weight is stored sparse (values + int64 indices cost 12 bytes per non-zero, dense 4 per value).</summary>
    public double SparseMinimumZeroFraction { get; init; } = 0.7;
}
