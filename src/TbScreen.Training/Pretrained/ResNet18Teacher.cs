using TbScreen.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Pretrained;

/// <summary>
/// The ImageNet ResNet-18 as a frozen teacher for feature distillation: a batch in our model-input convention
/// ([N, 3, H, W], grey replicated, mean 0.5, std 0.25; what <c>PreprocessedImages.ToModelInput</c> gives) in, the pooled
/// 512-d features [N, 512] out; eval mode (BatchNorm uses the ImageNet statistics), no gradients, on the input's device.
/// </summary>
public sealed class ResNet18Teacher : IDisposable
{
    private readonly ResNet18Classifier _net;

    public ResNet18Teacher()
    {
        _net = ResNet18Converter.CreatePretrained(numClasses: 2); // the head is never used
        _net.eval();
        foreach (var p in _net.parameters()) p.requires_grad = false;
    }

    public int FeatureWidth => ResNet18Classifier.FeatureWidth;

    /// <summary>Pooled features, detached; the caller disposes the result.</summary>
    public Tensor Features(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.dim() != 4 || batch.shape[1] != 3)
            throw new ArgumentException($"Expected a batch [N, 3, H, W], got [{string.Join(",", batch.shape)}].", nameof(batch));
        if (batch.device != _net.get_buffer("input_scale")!.device) _net.to(batch.device);
        using var noGrad = no_grad();
        return _net.Features(batch).detach();
    }

    public void Dispose() => _net.Dispose();
}
