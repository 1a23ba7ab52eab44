using TbScreen.Training.Tests.Fixtures;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests;

/// <summary>Proves the native library loads on this machine (the Debian 12 fix) and computes.</summary>
public sealed class TorchLoadTests
{
    [Fact]
    public void Conv2dForwardRunsOnCpu()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        using var conv = nn.Conv2d(3, 4, kernel_size: 3, padding: 1);
        SeededInit.Apply(conv, generator);
        var input = ones(2, 3, 8, 8);
        var output = conv.forward(input);
        Assert.Equal(new long[] { 2, 4, 8, 8 }, output.shape);
        Assert.True(output.isfinite().all().item<bool>());
    }
}
