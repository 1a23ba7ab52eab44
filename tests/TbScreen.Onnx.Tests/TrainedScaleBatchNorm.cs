using static TorchSharp.torch;

namespace TbScreen.Onnx.Tests;

internal static class TrainedScaleBatchNorm
{
    /// <summary>
    /// Fresh BatchNorm is the identity (mean 0, var 1, gamma 1, beta 0), so folding would go untested, and with He-init
    /// convs the logits reach ~1000, where one float32 ulp exceeds 1e-4. So, as training would: random gamma/beta, then
    /// running statistics taken from one batch (momentum 1), which keeps activations, and logits, at a trained net's scale.
    /// Every draw comes from <paramref name="generator"/>, the test's own.
    /// </summary>
    public static void Apply(nn.Module<Tensor, Tensor> model, Generator generator)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach (var (name, tensor) in model.state_dict())
            {
                if (name.EndsWith(".bn.bias", StringComparison.Ordinal)) tensor.copy_(randn(tensor.shape, generator: generator) * 0.1f);
                else if (name.EndsWith(".bn.weight", StringComparison.Ordinal)) tensor.copy_(rand(tensor.shape, generator: generator) + 0.5f);
            }
            foreach (var module in model.modules())
                if (module is TorchSharp.Modules.BatchNorm2d bn) bn.momentum = 1.0;
            model.train();
            model.call(randn([8, 3, 64, 64], generator: generator)); // dropout after the last BatchNorm draws globally: irrelevant
            model.eval();
        }
    }
}
