using TbScreen.Inference.Lungs;
using static TorchSharp.torch;

namespace TbScreen.Training.Segmentation;

/// <summary>A lung bundle's ONNX graph does not reproduce the checkpoint it was exported from.</summary>
public sealed class LungParityException(string checkpoint, string onnx, double maxAbsDiff, double tolerance)
    : Exception($"{onnx}: ONNX Runtime's lung probabilities differ from {checkpoint}'s TorchSharp forward by {maxAbsDiff:G3} (tolerance {tolerance:G3})")
{
    public double MaxAbsDiff { get; } = maxAbsDiff;
}

/// <summary>The exported U-Net run by ONNX Runtime against the TorchSharp checkpoint on the same inputs: per-pixel probabilities.</summary>
public static class LungParity
{
    public const double DefaultTolerance = 1e-4;

    /// <param name="inputs">Normalised model inputs, 1 x Size x Size each.</param>
    /// <returns>The max absolute probability difference over every pixel of every input.</returns>
    public static double Measure(UNet model, LungSegmenter onnx, IReadOnlyList<float[]> inputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(inputs);
        int size = onnx.Bundle.Metadata.Input!.Size;
        double max = 0;
        model.eval();
        using var noGrad = no_grad();
        foreach (float[] input in inputs)
        {
            using var scope = NewDisposeScope();
            float[] expected = model.forward(tensor(input, new long[] { 1, 1, size, size })).sigmoid().data<float>().ToArray();
            float[] actual = onnx.Probability(input);
            for (int i = 0; i < expected.Length; i++)
            {
                max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
            }
        }

        return max;
    }

    public static double Verify(UNet model, string checkpointPath, LungSegmenter onnx, IReadOnlyList<float[]> inputs, double tolerance = DefaultTolerance)
    {
        double max = Measure(model, onnx, inputs);
        return max <= tolerance ? max : throw new LungParityException(checkpointPath, onnx.Bundle.OnnxPath, max, tolerance);
    }
}
