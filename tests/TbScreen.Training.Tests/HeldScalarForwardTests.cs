using TbScreen.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Tests;

/// <summary>
/// The ResNet-18's residual addition under collections and finalisers at any moment: CI (ci36) failed two feature
/// distillation tests inside it with "Expected false to be true ... toFloat at Scalar.h", the alpha scalar that
/// TorchSharp's <c>Tensor + Tensor</c> makes having been freed during the call (docs/training.md).
/// </summary>
public sealed class HeldScalarForwardTests
{
    [Fact]
    public void Residual_blocks_give_the_same_output_while_another_thread_collects_and_finalises()
    {
        const int passes = 10000; // the unfixed addition failed within about 3000 (7 to 11 s here)
        var generator = new Generator(11);
        using var block = new ResNetBasicBlock(4, 4, 1);
        block.eval();
        using var input = randn([2, 4, 6, 6], generator: generator);
        using var expected = Forward(block, input);

        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                _ = 0.5.ToScalar(); // unreferenced scalars of our own for the finaliser to free
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            for (int i = 0; i < passes; i++)
            {
                using var output = Forward(block, input);
                using var same = output.eq(expected).all();
                Assert.True(same.item<bool>(), $"pass {i} differs");
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }

    private static Tensor Forward(ResNetBasicBlock block, Tensor input)
    {
        using var _ = no_grad();
        return block.forward(input);
    }
}
