using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TbScreen.Training.Models;

/// <summary>
/// TorchVision's ResNet BasicBlock (TorchSharp keeps its own private): relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut),
/// 3x3 convs without bias, the shortcut a strided 1x1 conv + BN (<c>downsample.0</c>, <c>downsample.1</c>) when the
/// stride or width changes. State-dict names are TorchVision's.
/// </summary>
public sealed class ResNetBasicBlock : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public ResNetBasicBlock(long inPlanes, long planes, long stride) : base(nameof(ResNetBasicBlock))
    {
        conv1 = Conv2d(inPlanes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        conv2 = Conv2d(planes, planes, kernel_size: 3, stride: 1, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        if (stride != 1 || inPlanes != planes)
        {
            downsample = Sequential(Conv2d(inPlanes, planes, kernel_size: 1, stride: stride, bias: false), BatchNorm2d(planes));
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = functional.relu(bn1.forward(conv1.forward(input)));
        x = bn2.forward(conv2.forward(x));
        var shortcut = downsample is null ? input : downsample.forward(input);
        // Not x + shortcut: TorchSharp's operator makes an alpha scalar that a collection can free mid-call (HeldScalars).
        return functional.relu(x.add(shortcut, HeldScalars.One)).MoveToOuterDisposeScope();
    }
}
