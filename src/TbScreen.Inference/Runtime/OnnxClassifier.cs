using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using TbScreen.Imaging;
using TbScreen.Inference.Bundles;

namespace TbScreen.Inference.Runtime;

/// <summary>
/// One ONNX Runtime session for one bundle. Safe to share across requests: InferenceSession.Run is thread-safe and
/// this class keeps no per-call state. Inputs are Channels x Size x Size tensors made by
/// <see cref="RadiographPipeline.ToTensor"/> with <see cref="Contract"/>.
/// </summary>
public sealed class OnnxClassifier : IDisposable
{
    private readonly InferenceSession session;
    private readonly OnnxTensorNames names;
    private readonly int positiveIndex;
    private readonly int maxBatch;

    public OnnxClassifier(ModelBundle bundle, InferenceOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        options ??= InferenceOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1);
        Bundle = bundle;
        Contract = bundle.Metadata.Input!;
        names = bundle.Metadata.Onnx;
        positiveIndex = bundle.Metadata.PositiveIndex;
        maxBatch = options.MaxBatchSize;
        try
        {
            (session, ExecutionProvider) = SessionFactory.Create(bundle.OnnxPath, options, logger ?? NullLogger.Instance);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelBundleException(bundle.Directory, $"ONNX Runtime cannot load {ModelBundle.OnnxFileName}: {e.Message}", e);
        }

        try
        {
            CheckGraphNames();
        }
        catch
        {
            session.Dispose();
            throw;
        }

        // CUDA runs QDQ graphs through its own kernels; the saturation concerns ONNX Runtime's CPU integer kernels, which
        // QDQ arithmetic (no fusion) does not use.
        Int8Warning = ExecutionProvider == "CPU" && !options.QdqArithmetic ? Int8Kernels.SaturationRisk(bundle.Metadata.Quantization) : null;
        Int8Arithmetic = bundle.Metadata.Quantization is null ? null : Int8Kernels.Arithmetic(options.QdqArithmetic);
        if (Int8Warning is not null)
        {
            (logger ?? NullLogger.Instance).LogWarning("{Bundle}: {Warning}", bundle.Name, Int8Warning);
        }
    }

    /// <summary>Why this INT8 bundle may not compute its quantised function on this CPU (<see cref="Int8Kernels"/>), or null.</summary>
    public string? Int8Warning { get; }

    /// <summary>For an INT8 bundle, how this session computes it (<see cref="Int8Kernels.Arithmetic"/>); null for float32.</summary>
    public string? Int8Arithmetic { get; }

    public ModelBundle Bundle { get; }

    public InputContract Contract { get; }

    /// <summary>"CPU" or "CUDA": what the session actually runs on.</summary>
    public string ExecutionProvider { get; }

    public string Name => Bundle.Name;

    public bool HasCam => names.Cam is not null;

    /// <summary>Whether predictions carry the penultimate <see cref="ModelPrediction.Features"/>.</summary>
    public bool HasFeatures => names.Features is not null;

    /// <summary>Floats per image: Channels x Size x Size.</summary>
    public int TensorLength => Contract.Channels * Contract.Size * Contract.Size;

    /// <summary>Runs the images in batches of at most MaxBatchSize, each one N x C x H x W input.</summary>
    public IReadOnlyList<ModelPrediction> Predict(IReadOnlyList<float[]> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        for (int i = 0; i < tensors.Count; i++)
        {
            if (tensors[i] is null || tensors[i].Length != TensorLength)
            {
                throw new ArgumentException(
                    $"Tensor {i} has {tensors[i]?.Length ?? 0} values; model '{Name}' expects {Contract.Channels}x{Contract.Size}x{Contract.Size} = {TensorLength}.",
                    nameof(tensors));
            }
        }

        var results = new List<ModelPrediction>(tensors.Count);
        for (int start = 0; start < tensors.Count; start += maxBatch)
        {
            results.AddRange(RunBatch(tensors, start, Math.Min(maxBatch, tensors.Count - start)));
        }

        return results;
    }

    public ModelPrediction PredictOne(float[] tensor) => Predict([tensor])[0];

    public void Dispose() => session.Dispose();

    private List<ModelPrediction> RunBatch(IReadOnlyList<float[]> tensors, int start, int count)
    {
        var input = new float[(long)count * TensorLength];
        for (int i = 0; i < count; i++)
        {
            tensors[start + i].CopyTo(input, (long)i * TensorLength);
        }

        long[] shape = [count, Contract.Channels, Contract.Size, Contract.Size];
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, shape);
        // Fixed positions: probability, then cam and features when present.
        string[] outputNames = [names.Probability, .. names.Cam is null ? Array.Empty<string>() : [names.Cam], .. names.Features is null ? Array.Empty<string>() : [names.Features]];
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [names.Input], [inputValue], outputNames);

        var probabilities = outputs[0];
        long[] probShape = probabilities.GetTensorTypeAndShape().Shape;
        if (probShape.Length != 2 || probShape[0] != count || probShape[1] <= positiveIndex)
        {
            throw new ModelBundleException(Bundle.Directory, $"output '{names.Probability}' has shape [{string.Join(",", probShape)}]; expected [{count}, {Bundle.Metadata.Labels.Count}]");
        }

        int classes = (int)probShape[1];
        ReadOnlySpan<float> probs = probabilities.GetTensorDataAsSpan<float>();
        CamMap[]? cams = names.Cam is null ? null : SplitCams(outputs[1], count);
        float[][]? features = names.Features is null ? null : SplitFeatures(outputs[outputNames.Length - 1], count);
        var ood = Bundle.Ood;
        var results = new List<ModelPrediction>(count);
        for (int i = 0; i < count; i++)
        {
            float[] p = probs.Slice(i * classes, classes).ToArray();
            float[]? f = features?[i];
            results.Add(new ModelPrediction(p, p[positiveIndex], cams?[i])
            {
                Features = f,
                Unfamiliarity = f is not null && ood is not null ? ood.Score(f) : null,
            });
        }

        return results;
    }

    /// <summary>Accepts [N, h, w] or [N, 1, h, w].</summary>
    private CamMap[] SplitCams(OrtValue cam, int count)
    {
        long[] shape = cam.GetTensorTypeAndShape().Shape;
        bool ok = shape.Length == 3 || (shape.Length == 4 && shape[1] == 1);
        if (!ok || shape[0] != count)
        {
            throw new ModelBundleException(Bundle.Directory, $"output '{names.Cam}' has shape [{string.Join(",", shape)}]; expected [{count}, h, w] or [{count}, 1, h, w]");
        }

        int h = (int)shape[^2];
        int w = (int)shape[^1];
        ReadOnlySpan<float> values = cam.GetTensorDataAsSpan<float>();
        var maps = new CamMap[count];
        for (int i = 0; i < count; i++)
        {
            maps[i] = new CamMap(h, w, values.Slice(i * h * w, h * w).ToArray());
        }

        return maps;
    }

    /// <summary>Accepts [N, D]; checks D against ood.json when the bundle has one.</summary>
    private float[][] SplitFeatures(OrtValue value, int count)
    {
        long[] shape = value.GetTensorTypeAndShape().Shape;
        if (shape.Length != 2 || shape[0] != count || (Bundle.Ood is { } ood && shape[1] != ood.Model.FeatureDimension))
        {
            string expected = Bundle.Ood is { } fitted ? fitted.Model.FeatureDimension.ToString(System.Globalization.CultureInfo.InvariantCulture) : "D";
            throw new ModelBundleException(Bundle.Directory, $"output '{names.Features}' has shape [{string.Join(",", shape)}]; expected [{count}, {expected}]");
        }

        int d = (int)shape[1];
        ReadOnlySpan<float> values = value.GetTensorDataAsSpan<float>();
        var rows = new float[count][];
        for (int i = 0; i < count; i++) rows[i] = values.Slice(i * d, d).ToArray();
        return rows;
    }

    private void CheckGraphNames()
    {
        if (!session.InputMetadata.TryGetValue(names.Input, out var input))
        {
            throw new ModelBundleException(Bundle.Directory, $"graph has no input '{names.Input}' (inputs: {string.Join(", ", session.InputMetadata.Keys)})");
        }

        int[] dims = input.Dimensions;
        if (dims.Length != 4 || (dims[1] > 0 && dims[1] != Contract.Channels) || (dims[2] > 0 && dims[2] != Contract.Size) || (dims[3] > 0 && dims[3] != Contract.Size))
        {
            throw new ModelBundleException(Bundle.Directory, $"graph input '{names.Input}' is [{string.Join(",", dims)}] but the contract says [N,{Contract.Channels},{Contract.Size},{Contract.Size}]");
        }

        foreach (string? output in new[] { names.Probability, names.Cam, names.Features })
        {
            if (output is not null && !session.OutputMetadata.ContainsKey(output))
            {
                throw new ModelBundleException(Bundle.Directory, $"graph has no output '{output}' (outputs: {string.Join(", ", session.OutputMetadata.Keys)})");
            }
        }
    }
}
