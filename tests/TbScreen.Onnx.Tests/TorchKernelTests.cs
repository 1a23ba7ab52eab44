using System.Runtime.CompilerServices;
using TbScreen.Training.Runtime;
using TbScreen.Training.Tests.Fixtures;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace TbScreen.Onnx.Tests;

internal static class TorchRuntimeSetup
{
    /// <summary>Tests call TorchSharp before touching TbScreen.Training, whose own initializer would then come too late.</summary>
#pragma warning disable CA2255 // deliberate: the native environment must be set before libtorch's first oneDNN primitive
    [ModuleInitializer]
    internal static void Initialize() => TorchCpuBackend.Apply();
#pragma warning restore CA2255
}

/// <summary>
/// The parity tests take TorchSharp as the reference, so its kernels must be right. oneDNN 3.7.1's fp32 direct
/// convolution (libtorch-cpu 2.10.0) returns garbage at batch > 1 when the input channels do not fill its vector
/// block; <see cref="TorchCpuBackend"/> turns oneDNN off. Fails on an AVX-512 CPU when run with TBSCREEN_TORCH_MKLDNN=1.
/// </summary>
public class TorchKernelTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(24, 64, 3, 14, 2)] // GoogLeNet inception4b.branch3.1: NaN with the AVX-512 kernel
    [InlineData(16, 48, 3, 14, 2)] // inception4a.branch3.1 (a multiple of 16: never affected)
    [InlineData(24, 64, 3, 14, 1)]
    [InlineData(40, 72, 3, 9, 4)]
    [InlineData(11, 13, 3, 10, 2)] // odd widths, as structured pruning leaves
    public void Convolution_matches_float64(int inChannels, int outChannels, int kernel, int size, int batch)
    {
        using var generator = new Generator(5);
        using var scope = NewDisposeScope();
        using var conv = nn.Conv2d(inChannels, outChannels, kernel, padding: kernel / 2, bias: false);
        SeededInit.Apply(conv, generator);
        var x = randn([batch, inChannels, size, size], generator: generator);
        float diff;
        using (no_grad())
        {
            var y = conv.call(x);
            conv.to(float64);
            var reference = conv.call(x.to(float64)).to(float32);
            diff = (y - reference).abs().max().item<float>();
        }
        output.WriteLine($"conv {inChannels}->{outChannels} k{kernel} {size}x{size} batch {batch}: max |diff| vs float64 {diff:E2}; oneDNN {(TorchCpuBackend.MkldnnEnabled() ? "on" : "off")}");
        Assert.True(diff < 1e-4f, $"TorchSharp's float32 convolution differs from float64 by {diff} (oneDNN {(TorchCpuBackend.MkldnnEnabled() ? "on" : "off")})");
    }

    [Fact]
    public void OneDnn_is_off_unless_asked_for() =>
        Assert.Equal(Environment.GetEnvironmentVariable(TorchCpuBackend.KeepVariable) == "1", TorchCpuBackend.MkldnnEnabled());
}
