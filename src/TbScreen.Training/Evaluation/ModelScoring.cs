using TbScreen.Training.Data;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Evaluation;

/// <summary>P(TB) from a TorchSharp model in eval mode, without augmentation.</summary>
public static class ModelScoring
{
    public static double[] TbProbabilities(nn.Module<Tensor, Tensor> model, PreprocessedImages images, IReadOnlyList<int> indices, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        model.eval();
        var scores = new List<double>(indices.Count);
        using var noGrad = no_grad();
        foreach (int[] chunk in indices.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var logits = model.forward(images.ToModelInput(images.Gray(chunk)));
            scores.AddRange(F.softmax(logits, 1)[.., 1].data<float>().Select(p => (double)p));
        }

        return scores.ToArray();
    }
}
