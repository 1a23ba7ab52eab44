using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;
using TbScreen.Inference.Runtime;

namespace TbScreen.Inference.Lungs;

/// <summary>A radiograph's lung mask at its original size, and whether it looks like two lungs.</summary>
public sealed record LungSegmentation(BinaryMask Mask, LungCheck Check)
{
    public bool LungsFound => Check.Found;

    /// <summary>
    /// The film looks like a photographic negative: its inverted copy has a plausible pair of lungs, segmented with
    /// less doubt than the film as given (<see cref="LungSegmenter.Segment"/>). Null when the check was not asked for.
    /// </summary>
    public bool? LooksInverted { get; init; }
}

/// <summary>
/// Runs a segmentation bundle (models/lungs) with ONNX Runtime: the bundle's input contract makes the tensor, the
/// probability map is resampled onto the original pixels and thresholded, the largest components are kept and their
/// holes filled, then <see cref="LungPlausibility"/> decides whether lungs were found. One session, shareable across
/// threads (InferenceSession.Run is thread-safe; nothing here keeps per-call state).
/// </summary>
public sealed class LungSegmenter : IDisposable
{
    private readonly InferenceSession session;
    private readonly SegmentationMetadata metadata;
    private readonly InputContract contract;

    public LungSegmenter(SegmentationBundle bundle, InferenceOptions? options = null, LungPlausibility? plausibility = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        Bundle = bundle;
        metadata = bundle.Metadata;
        contract = metadata.Input!;
        Plausibility = plausibility ?? LungPlausibility.Default;
        try
        {
            (session, _) = SessionFactory.Create(bundle.OnnxPath, options ?? InferenceOptions.Default, logger ?? NullLogger.Instance);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelBundleException(bundle.Directory, $"ONNX Runtime cannot load {ModelBundle.OnnxFileName}: {e.Message}", e);
        }

        if (!session.InputMetadata.ContainsKey(metadata.Onnx.Input) || !session.OutputMetadata.ContainsKey(metadata.Onnx.Probability))
        {
            session.Dispose();
            throw new ModelBundleException(bundle.Directory,
                $"graph lacks input '{metadata.Onnx.Input}' or output '{metadata.Onnx.Probability}' (inputs: {string.Join(", ", session.InputMetadata.Keys)}; outputs: {string.Join(", ", session.OutputMetadata.Keys)})");
        }
    }

    public SegmentationBundle Bundle { get; }

    public LungPlausibility Plausibility { get; }

    /// <summary>Loads a segmentation bundle folder (e.g. models/lungs).</summary>
    public static LungSegmenter FromBundle(string bundleDirectory, InferenceOptions? options = null) =>
        new(SegmentationBundle.Load(bundleDirectory), options);

    /// <summary>Loads models/&lt;bundle&gt; (default "lungs") from a models folder.</summary>
    public static LungSegmenter FromModels(string modelsDirectory, string bundle = "lungs", InferenceOptions? options = null) =>
        new(SegmentationBundle.Load(Path.Combine(modelsDirectory, bundle)), options);

    /// <summary>
    /// The lung mask and the plausibility check; with <paramref name="checkPolarity"/> also the polarity check, which
    /// segments the film's inverted copy too (a second run of the net, its mask checked at the net's own size, so a
    /// large film costs no second full-size mask): the film looks inverted when the copy holds a plausible pair of
    /// lungs found with less doubt. The segmenter learned dark, lung-shaped fields, so on a negative
    /// it is surer of the copy (docs/segmentation.md: 99.2% of 1418 inverted films caught, 0.14% of the films as given
    /// called inverted).
    /// </summary>
    public LungSegmentation Segment(Radiograph radiograph, bool checkPolarity = false)
    {
        ArgumentNullException.ThrowIfNull(radiograph);
        float[] tensor = RadiographPipeline.ToTensor(radiograph, contract);
        var geometry = RadiographPipeline.InputGeometry(radiograph, contract);
        float[] probability = Probability(tensor);
        var mask = PostProcess(MaskResampler.ToSource(probability, geometry, metadata.Threshold));
        bool? inverted = checkPolarity ? LooksInverted(tensor, probability, geometry.Content) : null;
        return new LungSegmentation(mask, Plausibility.Check(mask)) { LooksInverted = inverted };
    }

    /// <summary>The polarity check: the negative's lungs, checked on its mask at the net's own size, against the film's doubt.</summary>
    private bool LooksInverted(float[] tensor, float[] probability, PixelRect content)
    {
        float[] negative = Probability(LungPolarity.Negative(tensor, contract.Size, content, contract));
        return Plausibility.Check(PostProcess(ContentMask(negative, content))).Found
            && LungPolarity.Doubt(negative, metadata.Threshold, contract.Size, content) < LungPolarity.Doubt(probability, metadata.Threshold, contract.Size, content);
    }

    /// <summary>The bundle's post-processing: its largest components kept, their holes filled when it asks for that.</summary>
    private BinaryMask PostProcess(BinaryMask mask)
    {
        mask = MaskComponents.KeepLargest(mask, metadata.KeepComponents);
        return metadata.FillHoles ? MaskComponents.FillHoles(mask) : mask;
    }

    /// <summary>The thresholded probability map's content block (the letterbox padding left out), at the net's size.</summary>
    private BinaryMask ContentMask(float[] probability, PixelRect content)
    {
        var pixels = new bool[content.Rows * content.Columns];
        for (int r = 0; r < content.Rows; r++)
        {
            for (int c = 0; c < content.Columns; c++)
            {
                pixels[(r * content.Columns) + c] = probability[((content.Top + r) * contract.Size) + content.Left + c] >= metadata.Threshold;
            }
        }

        return new BinaryMask(content.Columns, content.Rows, pixels);
    }

    /// <summary>The per-pixel lung probability, Size x Size, for one model input tensor.</summary>
    public float[] Probability(float[] tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        int size = contract.Size;
        if (tensor.Length != size * size)
        {
            throw new ArgumentException($"Model '{Bundle.Name}' expects 1x{size}x{size} = {size * size} values, got {tensor.Length}.", nameof(tensor));
        }

        using var input = OrtValue.CreateTensorValueFromMemory(tensor, [1, 1, size, size]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [metadata.Onnx.Input], [input], [metadata.Onnx.Probability]);
        long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
        if (shape.Aggregate(1L, (a, d) => a * d) != (long)size * size)
        {
            throw new ModelBundleException(Bundle.Directory, $"output '{metadata.Onnx.Probability}' has shape [{string.Join(",", shape)}]; expected [1, 1, {size}, {size}]");
        }

        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose() => session.Dispose();
}
