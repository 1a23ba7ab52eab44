using TbScreen.Imaging;
using TbScreen.Training.Models;
using TbScreen.Training.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Pretrained;

/// <summary>
/// A frozen ResNet-18 as a teacher for feature distillation: a batch in our model-input convention
/// ([N, 3, H, W], grey replicated, mean 0.5, std 0.25; what <c>PreprocessedImages.ToModelInput</c> gives) in, the pooled
/// 512-d features [N, 512] out; eval mode (BatchNorm uses its running statistics), no gradients, on the input's device.
/// The teacher is the ImageNet network of the package, or one of our fine-tuned resnet18 checkpoints.
/// </summary>
public sealed class ResNet18Teacher : IDisposable
{
    private readonly ResNet18Classifier _net;

    /// <summary>The ImageNet ResNet-18 of Microsoft.ML.DnnImageFeaturizer.ResNet18.</summary>
    public ResNet18Teacher()
        : this(ResNet18Converter.CreatePretrained(numClasses: 2), "imagenet") // the head is never used
    {
    }

    /// <summary>Takes ownership of <paramref name="net"/>.</summary>
    public ResNet18Teacher(ResNet18Classifier net, string description)
    {
        _net = net ?? throw new ArgumentNullException(nameof(net));
        Description = description;
        _net.eval();
        foreach (var p in _net.parameters()) p.requires_grad = false;
    }

    /// <summary>"imagenet", or the checkpoint the teacher was read from.</summary>
    public string Description { get; }

    public int FeatureWidth => ResNet18Classifier.FeatureWidth;

    /// <summary>
    /// One of our resnet18 checkpoints as the teacher. It must have been trained under <paramref name="studentContract"/>:
    /// a teacher that saw other preprocessing would be imitated on inputs it never learned.
    /// </summary>
    public static ResNet18Teacher FromCheckpoint(string checkpointPath, InputContract studentContract)
    {
        var sidecar = Checkpoints.ReadSidecar(checkpointPath);
        if (ModelFactory.Normalise(sidecar.Arch) != ModelFactory.ResNet18)
        {
            throw new ArgumentException($"Teacher checkpoint '{checkpointPath}' is a {sidecar.Arch}, not a {ModelFactory.ResNet18}.");
        }

        if (sidecar.Options.Contract != studentContract)
        {
            throw new ArgumentException($"Teacher checkpoint '{checkpointPath}' was trained under another input contract than the student's ({sidecar.Options.Contract} vs {studentContract}).");
        }

        var (model, _) = Checkpoints.Load(checkpointPath);
        return new ResNet18Teacher((ResNet18Classifier)model, Path.GetFullPath(checkpointPath));
    }

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
