using TbScreen.Training.Augmentation;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests;

public sealed class AugmentationTests
{
    private static Tensor Ramp() => linspace(0, 1, 2 * 32 * 32).reshape(2, 1, 32, 32);

    [Fact]
    public void SameSeedSameOutput()
    {
        using var scope = NewDisposeScope();
        var augmenter = new GrayAugmenter(new AugmentationOptions());
        var a = augmenter.Apply(Ramp(), new Random(42));
        var b = augmenter.Apply(Ramp(), new Random(42));
        var c = augmenter.Apply(Ramp(), new Random(43));
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        Assert.False(a.allclose(c));
        Assert.Equal(new long[] { 2, 1, 32, 32 }, a.shape);
        Assert.InRange(a.min().item<float>(), 0f, 1f);
        Assert.InRange(a.max().item<float>(), 0f, 1f);
    }

    [Fact]
    public void ZeroRangesAreTheIdentity()
    {
        using var scope = NewDisposeScope();
        var none = new AugmentationOptions { RotationDegrees = 0, Scale = 0, Translate = 0, Brightness = 0, Contrast = 0, Gamma = 1 };
        var x = Ramp();
        Assert.True(new GrayAugmenter(none).Apply(x, new Random(1)).allclose(x, rtol: 0, atol: 1e-5));
        Assert.Equal(x.data<float>().ToArray(), new GrayAugmenter(AugmentationOptions.None).Apply(x, new Random(1)).data<float>().ToArray());
    }

    [Fact]
    public void OutOfRangeOptionsFailFast() =>
        Assert.Throws<ArgumentException>(() => new GrayAugmenter(new AugmentationOptions { RotationDegrees = 90 }));
}
