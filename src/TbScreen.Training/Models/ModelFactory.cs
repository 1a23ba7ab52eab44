using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Models;

/// <summary>Builds the ensemble's architectures (and ResNet-18), 3-channel input, logits for each class.</summary>
public static class ModelFactory
{
    public const string AlexNet = "alexnet";
    public const string GoogLeNet = "googlenet";
    public const string ResNet18 = "resnet18";

    public static IReadOnlyList<string> Architectures { get; } = [AlexNet, GoogLeNet, ResNet18];

    /// <summary>The smallest square input each net accepts (AlexNet's three stride-2 pools need 63 px; ResNet-18 downsamples 32x).</summary>
    public static int MinimumInputSize(string arch) => Normalise(arch) switch
    {
        AlexNet => 63,
        ResNet18 => 32,
        _ => 16,
    };

    /// <summary>
    /// Weights are freshly initialised, except ResNet-18 with <see cref="ModelOptions.Pretrained"/>: its trunk gets the
    /// ImageNet weights of the restored Microsoft.ML.DnnImageFeaturizer.ResNet18 package, its 2-class fc stays fresh.
    /// No ImageNet weights exist offline for AlexNet or GoogLeNet.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Create(string arch, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string name = Normalise(arch);
        if (options.Pretrained && name != ResNet18) throw new ArgumentException($"Pretrained weights exist only for {ResNet18}, not {name}.", nameof(options));
        if (options.Widths is not null && name == ResNet18) throw new ArgumentException($"{ResNet18} has no per-layer widths (structured pruning supports alexnet and googlenet).", nameof(options));
        return name switch
        {
            ResNet18 when options.Pretrained => Pretrained.ResNet18Converter.CreatePretrained(options.NumClasses),
            ResNet18 => new ResNet18Classifier(options.NumClasses),
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
