using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TbScreen.Training.Segmentation;

/// <summary>
/// A small U-Net (Ronneberger et al. 2015) for lung fields: 1 grey channel in, 1 logit per pixel out.
/// Each level is two 3x3 convolutions (no bias, BatchNorm, ReLU); max pooling goes down, a 2x2 stride-2 transposed
/// convolution comes up and is concatenated with the skip connection. Parameter names
/// (<c>down.{i}.{0,1,3,4}</c>, <c>bottom.*</c>, <c>up.{i}</c>, <c>decode.{i}.*</c>, <c>head</c>) are what
/// <c>TbScreen.Onnx</c>'s U-Net exporter reads; <c>up.0</c>/<c>decode.0</c> are the finest level.
/// </summary>
public sealed class UNet : Module<Tensor, Tensor>
{
    private readonly ModuleList<Sequential> down = new();
    private readonly Sequential bottom;
    private readonly ModuleList<ConvTranspose2d> up = new();
    private readonly ModuleList<Sequential> decode = new();
    private readonly Conv2d head;
    private readonly MaxPool2d pool = MaxPool2d(kernel_size: 2, stride: 2);

    public UNet(UNetOptions options) : base(nameof(UNet))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        long inChannels = 1;
        for (int level = 0; level < options.Depth; level++)
        {
            down.Add(DoubleConv(inChannels, options.Width(level)));
            inChannels = options.Width(level);
        }

        bottom = DoubleConv(inChannels, options.Width(options.Depth));
        for (int level = 0; level < options.Depth; level++)
        {
            up.Add(ConvTranspose2d(options.Width(level + 1), options.Width(level), kernel_size: 2, stride: 2));
            decode.Add(DoubleConv(2L * options.Width(level), options.Width(level)));
        }

        head = Conv2d(options.BaseWidth, 1, kernel_size: 1);
        RegisterComponents();
    }

    public UNetOptions Options { get; }

    public override Tensor forward(Tensor input)
    {
        if (input.shape.Length != 4 || input.shape[1] != 1 || input.shape[2] % Options.SizeMultiple != 0 || input.shape[3] % Options.SizeMultiple != 0)
        {
            throw new ArgumentException($"U-Net input must be [N,1,H,W] with H and W multiples of {Options.SizeMultiple}, got [{string.Join(",", input.shape)}].");
        }

        using var scope = NewDisposeScope();
        var skips = new List<Tensor>(Options.Depth);
        var x = input;
        for (int level = 0; level < Options.Depth; level++)
        {
            x = down[level].forward(x);
            skips.Add(x);
            x = pool.forward(x);
        }

        x = bottom.forward(x);
        for (int level = Options.Depth - 1; level >= 0; level--)
        {
            x = up[level].forward(x);
            x = decode[level].forward(cat([skips[level], x], 1));
        }

        return head.forward(x).MoveToOuterDisposeScope();
    }

    private static Sequential DoubleConv(long inChannels, long outChannels) => Sequential(
        ("0", Conv2d(inChannels, outChannels, kernel_size: 3, padding: 1, bias: false)),
        ("1", BatchNorm2d(outChannels)),
        ("2", ReLU(inplace: true)),
        ("3", Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1, bias: false)),
        ("4", BatchNorm2d(outChannels)),
        ("5", ReLU(inplace: true)));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            down.Dispose();
            bottom.Dispose();
            up.Dispose();
            decode.Dispose();
            head.Dispose();
            pool.Dispose();
        }

        base.Dispose(disposing);
    }
}
