using TbScreen.Imaging;
using TbScreen.Training.Pretrained;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TbScreen.Training.Models;

/// <summary>
/// The ResNet-18 of the Microsoft.ML.DnnImageFeaturizer.ResNet18 package: TorchVision's ResNet layout and state_dict names
/// (conv1, bn1, layer1.0.conv1, ..., layer4.2.bn2, fc) with basic blocks 2, 2, 2, 3, the CNTK graph's (one block more in
/// layer4 than torchvision's resnet18; TorchSharp's BasicBlock is private, so its ResNet cannot take other counts). In front, a fixed input affine
/// (<see cref="ImageNetInput"/>) turns our contract's input (grey, mean 0.5, std 0.25, 3 channels) into what the ImageNet
/// weights saw; it is two non-trainable buffers, <c>input_scale</c> and <c>input_shift</c> [1, 3, 1, 1], so checkpoints
/// and the ONNX export carry it. Applied with or without pretrained weights: one architecture, one input convention.
/// </summary>
public sealed class ResNet18Classifier : Module<Tensor, Tensor>
{
    /// <summary>Basic blocks per stage in the package's graph (the converter checks the graph against it).</summary>
    public static IReadOnlyList<int> BlocksPerLayer { get; } = [2, 2, 2, 3];

    public const int FeatureWidth = 512;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly Linear fc;

    public ResNet18Classifier(int numClasses) : base(nameof(ResNet18Classifier))
    {
        var (scale, shift) = ImageNetInput.Affine(InputContract.Default);
        register_buffer("input_scale", full(1, 3, 1, 1, scale));
        register_buffer("input_shift", tensor(shift).reshape(1, 3, 1, 1));

        conv1 = Conv2d(3, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(64);
        maxpool = MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        layer1 = Stage(64, 64, BlocksPerLayer[0], stride: 1);
        layer2 = Stage(64, 128, BlocksPerLayer[1], stride: 2);
        layer3 = Stage(128, 256, BlocksPerLayer[2], stride: 2);
        layer4 = Stage(256, FeatureWidth, BlocksPerLayer[3], stride: 2);
        fc = Linear(FeatureWidth, numClasses);
        RegisterComponents();

        // TorchVision's initialisation: He (fan-out) for convs, BN at identity; Linear keeps its default.
        foreach (var (_, module) in named_modules())
        {
            if (module is Conv2d conv) init.kaiming_normal_(conv.weight, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
            if (module is BatchNorm2d bn)
            {
                init.ones_(bn.weight);
                init.zeros_(bn.bias);
            }
        }
    }

    /// <summary>The pooled features (the fc input), [N, 512].</summary>
    public Tensor Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = (input * get_buffer("input_scale")!).add(get_buffer("input_shift")!, HeldScalars.One);
        x = maxpool.forward(functional.relu(bn1.forward(conv1.forward(x))));
        x = layer4.forward(layer3.forward(layer2.forward(layer1.forward(x))));
        return x.mean([2, 3]).MoveToOuterDisposeScope(); // AdaptiveAvgPool2d(1) + flatten
    }

    public override Tensor forward(Tensor input)
    {
        using var features = Features(input);
        return fc.forward(features);
    }

    private static Sequential Stage(long inPlanes, long planes, int blocks, long stride)
    {
        var stage = Sequential();
        stage.append(new ResNetBasicBlock(inPlanes, planes, stride));
        for (int i = 1; i < blocks; i++) stage.append(new ResNetBasicBlock(planes, planes, 1));
        return stage;
    }
}
