using TbScreen.Training.Data;
using TbScreen.Training.Models;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TbScreen.Training.Evaluation;

/// <summary>Penultimate features (the input of the final linear layer) and P(TB) of each image, in eval mode.</summary>
public sealed record ImageFeatures(float[][] Features, double[] TbProbabilities);

/// <summary>
/// Reads a model's penultimate features through a forward pre-hook on its final linear layer: AlexNet's hidden FC
/// output (classifier.6 input) and GoogLeNet's and ResNet-18's pooled features (fc input). The hook copies the values out while the
/// batch's tensors are alive, so the dispose scope per batch still frees everything.
/// </summary>
public static class PenultimateFeatures
{
    public static string FinalLayerName(string arch) => ModelFactory.Normalise(arch) == ModelFactory.AlexNet ? "classifier.6" : "fc";

    public static ImageFeatures Extract(nn.Module<Tensor, Tensor> model, string arch, PreprocessedImages images, IReadOnlyList<int> indices, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(indices);
        string layerName = FinalLayerName(arch);
        var layer = model.named_modules().FirstOrDefault(m => m.name == layerName).module as nn.Module<Tensor, Tensor>
            ?? throw new ArgumentException($"{arch} has no '{layerName}' layer to read penultimate features from");
        var features = new List<float[]>(indices.Count);
        var probabilities = new List<double>(indices.Count);
        float[][]? batchFeatures = null;
        var hook = layer.register_forward_pre_hook((_, input) =>
        {
            long width = input.shape[1];
            float[] flat = input.detach().cpu().data<float>().ToArray();
            batchFeatures = Enumerable.Range(0, (int)input.shape[0]).Select(r => flat.AsSpan((int)(r * width), (int)width).ToArray()).ToArray();
            return input;
        });
        try
        {
            model.eval();
            using var noGrad = no_grad();
            foreach (int[] chunk in indices.Chunk(batchSize))
            {
                using var scope = NewDisposeScope();
                batchFeatures = null;
                var logits = model.forward(images.ToModelInput(images.Gray(chunk)));
                probabilities.AddRange(F.softmax(logits, 1)[.., 1].data<float>().Select(p => (double)p));
                features.AddRange(batchFeatures ?? throw new InvalidOperationException($"the {layerName} hook did not fire"));
            }
        }
        finally
        {
            hook.remove(); // the model may be used again without the hook
        }

        return new ImageFeatures([.. features], [.. probabilities]);
    }
}
