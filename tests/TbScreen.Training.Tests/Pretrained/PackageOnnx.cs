using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TbScreen.Training.Pretrained;

namespace TbScreen.Training.Tests.Pretrained;

/// <summary>The independent reference: ONNX Runtime running the package's own ResNet18.onnx (batch fixed at 1).</summary>
internal static class PackageOnnx
{
    /// <summary>Pooled features [512] of one image already in the net's space (BGR, 0..255 minus the mean).</summary>
    public static float[] Features(float[] netInput)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(ResNet18OnnxFile.Resolve(), options);
        var input = new DenseTensor<float>(netInput, [1, 3, ResNet18OnnxGraph.InputSize, ResNet18OnnxGraph.InputSize]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), input)]);
        return results.Single().AsTensor<float>().ToArray();
    }

    /// <summary>The package's own preprocessing graph: RGB 0..255 [1,3,224,224] to BGR minus the per-pixel mean image.</summary>
    public static float[] Preprocess(float[] rgb)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(ResNet18OnnxFile.ResolvePreprocess(), options);
        var input = new DenseTensor<float>(rgb, [1, 3, ResNet18OnnxGraph.InputSize, ResNet18OnnxGraph.InputSize]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), input)]);
        return results.Single().AsTensor<float>().ToArray();
    }

    /// <summary>Our model input x (one image, [3, H, W]) through the fixed affine into the net's space, in float as the model does it.</summary>
    public static float[] ToNetSpace(float[] modelInput)
    {
        var (scale, shift) = ImageNetInput.Affine(TbScreen.Imaging.InputContract.Default);
        int plane = modelInput.Length / 3;
        var z = new float[modelInput.Length];
        for (int i = 0; i < z.Length; i++) z[i] = modelInput[i] * scale + shift[i / plane];
        return z;
    }

    public static float MaxAbsDiff(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
