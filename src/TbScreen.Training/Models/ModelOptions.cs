namespace TbScreen.Training.Models;

/// <summary>Shape options for <see cref="ModelFactory"/>. Serialised into checkpoint sidecars.</summary>
public sealed record ModelOptions
{
    /// <summary>TorchVision's AlexNet classifier width; gives a 228 MB fp32 model.</summary>
    public const int TorchVisionAlexNetHidden = 4096;

    /// <summary>
    /// Default hidden width of AlexNet's two fully connected layers. 512 instead of TorchVision's 4096 cuts
    /// AlexNet from 57.0 M to 7.5 M parameters (228 MB to 30 MB fp32), so both bundles fit the 100 MB budget
    /// for models/. The convolutional features, which see the image, are unchanged; the 4096-wide head was
    /// sized for 1000 ImageNet classes, far more than two classes and ~1000 training images need.
    /// </summary>
    public const int SlimAlexNetHidden = 512;

    public int NumClasses { get; init; } = 2;

    /// <summary>Dropout before AlexNet's fully connected layers (TorchVision: 0.5) and GoogLeNet's fc (0.2).</summary>
    public float? Dropout { get; init; }

    public int AlexNetHidden { get; init; } = SlimAlexNetHidden;

    /// <summary>
    /// ResNet-18 only: start from the ImageNet weights (docs/pretrained.md) with a fresh head. Recorded in sidecars;
    /// loading a checkpoint builds the net without it, since the checkpoint holds every weight.
    /// </summary>
    public bool Pretrained { get; init; }

    /// <summary>
    /// Output widths of structurally pruned layers by TorchVision name (e.g. "features.3", "inception4a.branch2.0");
    /// null for the unpruned nets. See <see cref="ChannelTopology"/>.
    /// </summary>
    public IReadOnlyDictionary<string, int>? Widths { get; init; }

    public void Validate()
    {
        if (NumClasses < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(NumClasses), NumClasses, "At least two classes.");
        }

        if (AlexNetHidden < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(AlexNetHidden), AlexNetHidden, "Hidden width must be positive.");
        }

        if (Widths?.FirstOrDefault(w => w.Value < 1) is { Key: not null } bad)
        {
            throw new ArgumentOutOfRangeException(nameof(Widths), bad.Value, $"Layer '{bad.Key}' needs at least one channel.");
        }

        if (Dropout is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0,1).");
        }
    }
}
