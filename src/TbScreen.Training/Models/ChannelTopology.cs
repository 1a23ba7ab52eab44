namespace TbScreen.Training.Models;

/// <summary>
/// One weight layer of a net as structured pruning sees it: its output width and which layers feed it (in concat
/// order). <see cref="InputMultiplier"/> is how many input columns each producer channel becomes (AlexNet's flatten
/// of the 6x6 pooled map: 36). A layer with no inputs reads the image.
/// </summary>
public sealed record LayerSpec(string Name, int Width, IReadOnlyList<string> Inputs, int InputMultiplier, bool BatchNorm, bool Prunable);

/// <summary>
/// The channel graph of AlexNet and GoogLeNet by TorchVision parameter names. Both the width-configurable modules
/// and the structured pruner use it, so the pruner's bookkeeping (which input columns belong to which producer,
/// across inception concats) and the rebuilt modules cannot disagree.
/// </summary>
public static class ChannelTopology
{
    public const int ImageChannels = 3;

    // (name, 1x1, 3x3 reduce, 3x3, "5x5" reduce, "5x5" (a 3x3 in TorchVision), pool projection)
    private static readonly (string Name, int B1, int B2Red, int B2, int B3Red, int B3, int B4)[] Inceptions =
    [
        ("inception3a", 64, 96, 128, 16, 32, 32),
        ("inception3b", 128, 128, 192, 32, 96, 64),
        ("inception4a", 192, 96, 208, 16, 48, 64),
        ("inception4b", 160, 112, 224, 24, 64, 64),
        ("inception4c", 128, 128, 256, 24, 64, 64),
        ("inception4d", 112, 144, 288, 32, 64, 64),
        ("inception4e", 256, 160, 320, 32, 128, 128),
        ("inception5a", 256, 160, 320, 32, 128, 128),
        ("inception5b", 384, 192, 384, 48, 128, 128),
    ];

    public static IReadOnlyList<string> InceptionNames { get; } = [.. Inceptions.Select(i => i.Name)];

    /// <summary>The layers in forward order, with widths from <paramref name="options"/>' overrides where given.</summary>
    public static IReadOnlyList<LayerSpec> For(string arch, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layers = ModelFactory.Normalise(arch) switch
        {
            ModelFactory.AlexNet => AlexNet(options),
            ModelFactory.GoogLeNet => GoogLeNet(options),
            _ => throw new ArgumentException($"Structured pruning knows the channel graph of alexnet and googlenet, not {arch} (its residual Adds tie widths across blocks)."),
        };
        var names = layers.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        if (options.Widths?.Keys.FirstOrDefault(k => !names.Contains(k)) is { } unknown)
        {
            throw new ArgumentException($"Width override for unknown layer '{unknown}' ({arch}).");
        }

        return layers;
    }

    /// <summary>Input channels (or features) of <paramref name="layer"/>: the producers' widths times the multiplier.</summary>
    public static int InputWidth(IReadOnlyList<LayerSpec> layers, LayerSpec layer) =>
        layer.Inputs.Count == 0 ? ImageChannels : layer.Inputs.Sum(i => layers.Single(l => l.Name == i).Width) * layer.InputMultiplier;

    public static LayerSpec Get(IReadOnlyList<LayerSpec> layers, string name) =>
        layers.FirstOrDefault(l => l.Name == name) ?? throw new ArgumentException($"No layer '{name}'.");

    private static List<LayerSpec> AlexNet(ModelOptions o)
    {
        int W(string name, int fallback) => o.Widths?.GetValueOrDefault(name, fallback) ?? fallback;
        return
        [
            new("features.0", W("features.0", 64), [], 1, false, true),
            new("features.3", W("features.3", 192), ["features.0"], 1, false, true),
            new("features.6", W("features.6", 384), ["features.3"], 1, false, true),
            new("features.8", W("features.8", 256), ["features.6"], 1, false, true),
            new("features.10", W("features.10", 256), ["features.8"], 1, false, true),
            new("classifier.1", W("classifier.1", o.AlexNetHidden), ["features.10"], 36, false, true),
            new("classifier.4", W("classifier.4", o.AlexNetHidden), ["classifier.1"], 1, false, true),
            new("classifier.6", o.NumClasses, ["classifier.4"], 1, false, false),
        ];
    }

    private static List<LayerSpec> GoogLeNet(ModelOptions o)
    {
        int W(string name, int fallback) => o.Widths?.GetValueOrDefault(name, fallback) ?? fallback;
        var layers = new List<LayerSpec>
        {
            new("conv1", W("conv1", 64), [], 1, true, true),
            new("conv2", W("conv2", 64), ["conv1"], 1, true, true),
            new("conv3", W("conv3", 192), ["conv2"], 1, true, true),
        };
        IReadOnlyList<string> input = ["conv3"];
        foreach (var (n, b1, b2r, b2, b3r, b3, b4) in Inceptions)
        {
            layers.Add(new($"{n}.branch1", W($"{n}.branch1", b1), input, 1, true, true));
            layers.Add(new($"{n}.branch2.0", W($"{n}.branch2.0", b2r), input, 1, true, true));
            layers.Add(new($"{n}.branch2.1", W($"{n}.branch2.1", b2), [$"{n}.branch2.0"], 1, true, true));
            layers.Add(new($"{n}.branch3.0", W($"{n}.branch3.0", b3r), input, 1, true, true));
            layers.Add(new($"{n}.branch3.1", W($"{n}.branch3.1", b3), [$"{n}.branch3.0"], 1, true, true));
            layers.Add(new($"{n}.branch4.1", W($"{n}.branch4.1", b4), input, 1, true, true));
            input = [$"{n}.branch1", $"{n}.branch2.1", $"{n}.branch3.1", $"{n}.branch4.1"];
        }

        layers.Add(new("fc", o.NumClasses, input, 1, false, false));
        return layers;
    }
}
