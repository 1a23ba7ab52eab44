using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Models;

/// <summary>Builds the two architectures of the ensemble, 3-channel input, logits for each class.</summary>
public static class ModelFactory
{
    public const string AlexNet = "alexnet";
    public const string GoogLeNet = "googlenet";

    public static IReadOnlyList<string> Architectures { get; } = [AlexNet, GoogLeNet];

    /// <summary>The smallest square input each net accepts (AlexNet's three stride-2 pools need 63 px).</summary>
    public static int MinimumInputSize(string arch) => Normalise(arch) == AlexNet ? 63 : 16;

    /// <summary>Weights are freshly initialised: no ImageNet weights are available offline.</summary>
    public static nn.Module<Tensor, Tensor> Create(string arch, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Normalise(arch) switch
        {
            AlexNet when options.Widths is not null => new SlimAlexNet(options, options.Dropout ?? 0.5f),
            GoogLeNet when options.Widths is not null => new PrunableGoogLeNet(options, options.Dropout ?? 0.2f),
            AlexNet when options.AlexNetHidden == ModelOptions.TorchVisionAlexNetHidden =>
                torchvision.models.alexnet(num_classes: options.NumClasses, dropout: options.Dropout ?? 0.5f),
            AlexNet => new SlimAlexNet(options.NumClasses, options.AlexNetHidden, options.Dropout ?? 0.5f),
            // TorchSharp's GoogLeNet has no auxiliary classifiers, so its state dict is the deployable graph's.
            _ => torchvision.models.googlenet(num_classes: options.NumClasses, dropout: options.Dropout ?? 0.2f),
        };
    }

    public static string Normalise(string arch)
    {
        string name = (arch ?? throw new ArgumentNullException(nameof(arch))).Trim().ToLowerInvariant();
        return Architectures.Contains(name)
            ? name
            : throw new ArgumentException($"Unknown architecture '{arch}'; expected one of: {string.Join(", ", Architectures)}.", nameof(arch));
    }
}
