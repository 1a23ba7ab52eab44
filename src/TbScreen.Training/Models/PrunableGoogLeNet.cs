using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TbScreen.Training.Models;

/// <summary>
/// TorchSharp's GoogLeNet (no aux heads, no transform_input) with every BasicConv's width taken from
/// <see cref="ChannelTopology"/>, so a structurally pruned net is a real smaller dense net. Parameter names match
/// torchvision.models.googlenet, so its state dict loads here and the ONNX exporter reads both alike.
/// </summary>
public sealed class PrunableGoogLeNet : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1;
    private readonly MaxPool2d maxpool1;
    private readonly Module<Tensor, Tensor> conv2;
    private readonly Module<Tensor, Tensor> conv3;
    private readonly MaxPool2d maxpool2;
    private readonly Module<Tensor, Tensor> inception3a;
    private readonly Module<Tensor, Tensor> inception3b;
    private readonly MaxPool2d maxpool3;
    private readonly Module<Tensor, Tensor> inception4a;
    private readonly Module<Tensor, Tensor> inception4b;
    private readonly Module<Tensor, Tensor> inception4c;
    private readonly Module<Tensor, Tensor> inception4d;
    private readonly Module<Tensor, Tensor> inception4e;
    private readonly MaxPool2d maxpool4;
    private readonly Module<Tensor, Tensor> inception5a;
    private readonly Module<Tensor, Tensor> inception5b;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Dropout dropout;
    private readonly Linear fc;

    public PrunableGoogLeNet(ModelOptions options, float dropoutRate) : base(nameof(PrunableGoogLeNet))
    {
        ArgumentNullException.ThrowIfNull(options);
        var layers = ChannelTopology.For(ModelFactory.GoogLeNet, options);
        conv1 = Basic(layers, "conv1", kernel: 7, stride: 2, padding: 3);
        maxpool1 = MaxPool2d(kernel_size: 3, stride: 2, ceil_mode: true);
        conv2 = Basic(layers, "conv2", kernel: 1);
        conv3 = Basic(layers, "conv3", kernel: 3, padding: 1);
        maxpool2 = MaxPool2d(kernel_size: 3, stride: 2, ceil_mode: true);
        inception3a = new InceptionBlock(layers, "inception3a");
        inception3b = new InceptionBlock(layers, "inception3b");
        maxpool3 = MaxPool2d(kernel_size: 3, stride: 2, ceil_mode: true);
        inception4a = new InceptionBlock(layers, "inception4a");
        inception4b = new InceptionBlock(layers, "inception4b");
        inception4c = new InceptionBlock(layers, "inception4c");
        inception4d = new InceptionBlock(layers, "inception4d");
        inception4e = new InceptionBlock(layers, "inception4e");
        maxpool4 = MaxPool2d(kernel_size: 2, stride: 2, ceil_mode: true);
        inception5a = new InceptionBlock(layers, "inception5a");
        inception5b = new InceptionBlock(layers, "inception5b");
        avgpool = AdaptiveAvgPool2d(new long[] { 1, 1 });
        dropout = Dropout(dropoutRate);
        var head = ChannelTopology.Get(layers, "fc");
        fc = Linear(ChannelTopology.InputWidth(layers, head), head.Width);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = maxpool1.forward(conv1.forward(input));
        x = maxpool2.forward(conv3.forward(conv2.forward(x)));
        x = maxpool3.forward(inception3b.forward(inception3a.forward(x)));
        x = inception4c.forward(inception4b.forward(inception4a.forward(x)));
        x = maxpool4.forward(inception4e.forward(inception4d.forward(x)));
        x = inception5b.forward(inception5a.forward(x));
        x = avgpool.forward(x).flatten(1);
        return fc.forward(dropout.forward(x)).MoveToOuterDisposeScope();
    }

    /// <summary>TorchVision's BasicConv2d: conv without bias, batch norm (eps 0.001), ReLU.</summary>
    internal static Sequential Basic(IReadOnlyList<LayerSpec> layers, string name, int kernel, int stride = 1, int padding = 0)
    {
        var spec = ChannelTopology.Get(layers, name);
        return Sequential(
            ("conv", Conv2d(ChannelTopology.InputWidth(layers, spec), spec.Width, kernel_size: kernel, stride: stride, padding: padding, bias: false)),
            ("bn", BatchNorm2d(spec.Width, eps: 0.001)),
            ("relu", ReLU(inplace: true)));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var module in new IDisposable[]
            {
                conv1, maxpool1, conv2, conv3, maxpool2, inception3a, inception3b, maxpool3, inception4a, inception4b,
                inception4c, inception4d, inception4e, maxpool4, inception5a, inception5b, avgpool, dropout, fc,
            })
            {
                module.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private sealed class InceptionBlock : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> branch1;
        private readonly Module<Tensor, Tensor> branch2;
        private readonly Module<Tensor, Tensor> branch3;
        private readonly Module<Tensor, Tensor> branch4;

        public InceptionBlock(IReadOnlyList<LayerSpec> layers, string name) : base("Inception")
        {
            branch1 = Basic(layers, name + ".branch1", kernel: 1);
            branch2 = Sequential(("0", Basic(layers, name + ".branch2.0", kernel: 1)), ("1", Basic(layers, name + ".branch2.1", kernel: 3, padding: 1)));
            branch3 = Sequential(("0", Basic(layers, name + ".branch3.0", kernel: 1)), ("1", Basic(layers, name + ".branch3.1", kernel: 3, padding: 1)));
            branch4 = Sequential(
                ("0", MaxPool2d(kernel_size: 3, stride: 1, padding: 1, ceil_mode: true)),
                ("1", Basic(layers, name + ".branch4.1", kernel: 1)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            return cat([branch1.forward(x), branch2.forward(x), branch3.forward(x), branch4.forward(x)], 1).MoveToOuterDisposeScope();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                branch1.Dispose();
                branch2.Dispose();
                branch3.Dispose();
                branch4.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
