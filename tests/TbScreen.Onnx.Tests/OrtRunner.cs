using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TbScreen.Onnx;
using TbScreen.Onnx.Graph;

namespace TbScreen.Onnx.Tests;

/// <summary>Runs a model with ONNX Runtime on one float input and returns every output by name.</summary>
internal static class OrtRunner
{
    public static Dictionary<string, (float[] Data, long[] Shape)> Run(byte[] model, float[] input, params int[] dims)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var tensor = new DenseTensor<float>(input, dims);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxModelExporter.InputName, tensor)]);
        return results.ToDictionary(
            r => r.Name,
            r => { var t = r.AsTensor<float>(); return (t.ToArray(), t.Dimensions.ToArray().Select(d => (long)d).ToArray()); });
    }

    /// <summary>Runs a graph built directly with the builder: one input, the given values as outputs "y0", "y1", ...</summary>
    public static Dictionary<string, (float[] Data, long[] Shape)> RunGraph(OnnxGraphBuilder graph, float[] input, int[] dims, params Map4[] outputs)
    {
        for (int i = 0; i < outputs.Length; i++) graph.Output(outputs[i], $"y{i}");
        return Run(OnnxModelExporter.CreateModel(graph.Graph, 17).ToByteArray(), input, dims);
    }

    public static Dictionary<string, (float[] Data, long[] Shape)> RunGraph(OnnxGraphBuilder graph, float[] input, int[] dims, Vec2 output)
    {
        graph.Output(output, "y0");
        return Run(OnnxModelExporter.CreateModel(graph.Graph, 17).ToByteArray(), input, dims);
    }

    public static float MaxAbsDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
