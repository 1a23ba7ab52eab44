using Microsoft.ML.OnnxRuntime;

namespace TbScreen.Inference.Runtime;

/// <summary>
/// Runs an in-memory ONNX model on CPU and hands back the named outputs: for calibration (a model with every activation
/// exposed as an extra output), for the quantiser's sensitivity sweep, and for saving the graph ONNX Runtime optimised.
/// </summary>
public sealed class OnnxGraphRunner : IDisposable
{
    private readonly InferenceSession session;
    private readonly string inputName;

    /// <param name="optimizedModelPath">When set, ONNX Runtime writes the graph after its optimisations (fusions) there.</param>
    /// <param name="qdqArithmetic">
    /// Graph optimisations off: a QDQ model then runs as QuantizeLinear/DequantizeLinear around float operators, the
    /// arithmetic the QDQ graph defines, the same on every CPU. With them on (the serving path) ONNX Runtime fuses the
    /// pairs into integer kernels, whose U8S8 products saturate on CPUs without VNNI (docs/quantization.md).
    /// </param>
    public OnnxGraphRunner(byte[] model, int intraOpThreads = 1, string? optimizedModelPath = null, bool qdqArithmetic = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = qdqArithmetic ? GraphOptimizationLevel.ORT_DISABLE_ALL : GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = 1,
            IntraOpNumThreads = Math.Max(1, intraOpThreads),
        };
        if (optimizedModelPath is not null) options.OptimizedModelFilePath = optimizedModelPath;
        session = new InferenceSession(model, options);
        inputName = session.InputMetadata.Keys.Single();
        OutputNames = [.. session.OutputMetadata.Keys];
    }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Runs one batch [N, C, H, W] and calls <paramref name="onOutput"/> with each requested output's values.</summary>
    public void Run(float[] batch, long[] shape, IReadOnlyList<string> outputs, Action<string, ReadOnlySpan<float>, long[]> onOutput)
    {
        ArgumentNullException.ThrowIfNull(onOutput);
        using var input = OrtValue.CreateTensorValueFromMemory(batch, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [input], [.. outputs]);
        for (int i = 0; i < outputs.Count; i++)
        {
            onOutput(outputs[i], results[i].GetTensorDataAsSpan<float>(), results[i].GetTensorTypeAndShape().Shape);
        }
    }

    /// <summary>Runs one batch and copies the requested outputs.</summary>
    public Dictionary<string, float[]> Run(float[] batch, long[] shape, params string[] outputs)
    {
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal);
        Run(batch, shape, outputs, (name, data, _) => values[name] = data.ToArray());
        return values;
    }

    public void Dispose() => session.Dispose();
}
