using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TbScreen.Training.Models;

/// <summary>
/// TorchVision's AlexNet with a configurable classifier width. Module and parameter names match TorchVision
/// (features.{0,3,6,8,10}, classifier.{1,4,6}) so ONNX export and state-dict tooling treat both alike.
/// Every layer's width can be set (structured pruning rebuilds it smaller through <see cref="ChannelTopology"/>).
/// </summary>
public sealed class SlimAlexNet : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Sequential classifier;

    public SlimAlexNet(int numClasses, int hidden, float dropout)
        : this(new ModelOptions { NumClasses = numClasses, AlexNetHidden = hidden }, dropout)
    {
    }

    public SlimAlexNet(ModelOptions options, float dropout) : base(nameof(SlimAlexNet))
    {
        ArgumentNullException.ThrowIfNull(options);
        var layers = ChannelTopology.For(ModelFactory.AlexNet, options);
        int W(string name) => ChannelTopology.Get(layers, name).Width;
        features = Sequential(
            ("0", Conv2d(3, W("features.0"), kernel_size: 11, stride: 4, padding: 2)),
            ("1", ReLU(inplace: true)),
            ("2", MaxPool2d(kernel_size: 3, stride: 2)),
            ("3", Conv2d(W("features.0"), W("features.3"), kernel_size: 5, padding: 2)),
            ("4", ReLU(inplace: true)),
            ("5", MaxPool2d(kernel_size: 3, stride: 2)),
            ("6", Conv2d(W("features.3"), W("features.6"), kernel_size: 3, padding: 1)),
            ("7", ReLU(inplace: true)),
            ("8", Conv2d(W("features.6"), W("features.8"), kernel_size: 3, padding: 1)),
            ("9", ReLU(inplace: true)),
            ("10", Conv2d(W("features.8"), W("features.10"), kernel_size: 3, padding: 1)),
            ("11", ReLU(inplace: true)),
            ("12", MaxPool2d(kernel_size: 3, stride: 2)));
        avgpool = AdaptiveAvgPool2d(new long[] { 6, 6 });
        classifier = Sequential(
            ("0", Dropout(dropout)),
            ("1", Linear(W("features.10") * 6 * 6, W("classifier.1"))),
            ("2", ReLU(inplace: true)),
            ("3", Dropout(dropout)),
            ("4", Linear(W("classifier.1"), W("classifier.4"))),
            ("5", ReLU(inplace: true)),
            ("6", Linear(W("classifier.4"), options.NumClasses)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = features.forward(input);
        x = avgpool.forward(x);
        x = x.flatten(1);
        return classifier.forward(x).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            features.Dispose();
            avgpool.Dispose();
            classifier.Dispose();
        }

        base.Dispose(disposing);
    }
}
