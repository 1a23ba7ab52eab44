using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace TbScreen.Training.Pruning;

/// <summary>Compares two ONNX files' probability outputs on the same inputs (e.g. dense- against sparse-stored weights).</summary>
public static class OnnxParity
{
    public static double MaxAbsDifference(string onnxA, string onnxB, IReadOnlyList<float[]> inputs, int size)
    {
        var a = Probabilities(onnxA, inputs, size);
        var b = Probabilities(onnxB, inputs, size);
        return a.Zip(b, (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max();
    }

    /// <summary>Every value of the "probability" output, input by input.</summary>
    public static float[] Probabilities(string onnx, IReadOnlyList<float[]> inputs, int size)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(onnx, options);
        string input = session.InputMetadata.Keys.First();
        var values = new List<float>();
        foreach (var data in inputs)
        {
            var tensor = new DenseTensor<float>(data, [1, 3, size, size]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, tensor)]);
            values.AddRange(results.First(r => r.Name == TbScreen.Onnx.OnnxModelExporter.ProbabilityOutput).AsEnumerable<float>());
        }

        return [.. values];
    }
}
