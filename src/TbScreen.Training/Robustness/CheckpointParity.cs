using TbScreen.Inference.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Robustness;

/// <summary>
/// Proves a checkpoint belongs to a bundle: the TorchSharp net and the bundle's ONNX graph, run by ONNX Runtime on the
/// same real images, must give the same class probabilities within a tolerance.
/// </summary>
public static class CheckpointParity
{
    public const double DefaultTolerance = 1e-4;

    /// <param name="inputs">Model inputs [Channels,S,S] already normalised by the contract (what ONNX Runtime takes).</param>
    /// <returns>The max absolute difference of the probabilities; throws <see cref="CheckpointParityException"/> above the tolerance.</returns>
    public static double Verify(nn.Module<Tensor, Tensor> model, string checkpointPath, OnnxClassifier onnx, IReadOnlyList<float[]> inputs, double tolerance = DefaultTolerance)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new ArgumentException("Parity needs at least one image.", nameof(inputs));
        }

        var expected = onnx.Predict(inputs);
        double max = 0;
        model.eval();
        using (no_grad())
        {
            using var scope = NewDisposeScope();
            int length = onnx.TensorLength;
            var batch = new float[(long)inputs.Count * length];
            for (int i = 0; i < inputs.Count; i++)
            {
                inputs[i].CopyTo(batch, (long)i * length);
            }

            var probabilities = F.softmax(model.forward(tensor(batch, new long[] { inputs.Count, onnx.Contract.Channels, onnx.Contract.Size, onnx.Contract.Size })), 1);
            float[] actual = probabilities.data<float>().ToArray();
            int classes = (int)probabilities.shape[1];
            for (int i = 0; i < inputs.Count; i++)
            {
                if (expected[i].Probabilities.Length != classes)
                {
                    throw new CheckpointParityException(checkpointPath, onnx.Bundle.OnnxPath, double.PositiveInfinity, tolerance);
                }

                for (int c = 0; c < classes; c++)
                {
                    max = Math.Max(max, Math.Abs(actual[i * classes + c] - expected[i].Probabilities[c]));
                }
            }
        }

        return max <= tolerance ? max : throw new CheckpointParityException(checkpointPath, onnx.Bundle.OnnxPath, max, tolerance);
    }
}
