using TorchSharp;
using static TorchSharp.torch;

// Shared by TbScreen.Training.Tests and TbScreen.Onnx.Tests (linked there): one copy of the rule.
namespace TbScreen.Training.Tests.Fixtures;

/// <summary>
/// Re-initialises every parameter of a module from a generator the test owns. TorchSharp's module constructors draw
/// their initial weights from torch's one process-global generator, which xunit's parallel test classes (and
/// <c>Trainer.Run</c>, which seeds it) share: seeding it in a test never made the weights reproducible. After
/// <see cref="Apply"/> the weights depend only on the generator's seed and the module's parameter order.
/// <list type="bullet">
/// <item>Weights with two or more dimensions (convolutions, linear layers): uniform in +-1/sqrt(fan_in), fan_in = the
/// weight's elements per output unit; this is PyTorch's default Conv/Linear init (kaiming_uniform_ with a = sqrt(5)).</item>
/// <item>Their biases: uniform in +-1/sqrt(fan_in) of the layer's weight, again PyTorch's default.</item>
/// <item>Normalisation layers: weight 1, bias 0, running mean 0, running variance 1, no batches tracked (a fresh
/// BatchNorm, the identity in eval mode). Tests that want trained-scale statistics set them afterwards.</item>
/// </list>
/// Any other parameter is refused rather than filled with a guess.
/// </summary>
internal static class SeededInit
{
    public static void Apply(nn.Module module, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(generator);
        var modules = module.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        modules[""] = module;
        var parameters = module.named_parameters().ToList();
        var shapes = parameters.ToDictionary(p => p.name, p => p.parameter.shape, StringComparer.Ordinal);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            int dot = name.LastIndexOf('.');
            string owner = dot < 0 ? "" : name[..dot];
            string leaf = name[(dot + 1)..];
            if (IsNorm(modules[owner]))
            {
                if (leaf == "weight") parameter.fill_(1f);
                else if (leaf == "bias") parameter.zero_();
                else throw new NotSupportedException($"SeededInit: unknown normalisation parameter '{name}'.");
            }
            else if (parameter.dim() >= 2)
            {
                Uniform(parameter, 1.0 / Math.Sqrt(FanIn(parameter.shape)), generator);
            }
            else if (leaf == "bias" && shapes.TryGetValue(dot < 0 ? "weight" : owner + ".weight", out var weight) && weight.Length >= 2)
            {
                Uniform(parameter, 1.0 / Math.Sqrt(FanIn(weight)), generator);
            }
            else
            {
                throw new NotSupportedException($"SeededInit: no rule for parameter '{name}' of shape [{string.Join(",", parameter.shape)}].");
            }
        }

        foreach (var norm in modules.Values.Where(IsNorm).Distinct())
        {
            foreach (var (name, buffer) in norm.state_dict())
            {
                if (name == "running_mean" || name == "num_batches_tracked") buffer.zero_();
                else if (name == "running_var") buffer.fill_(1f);
            }
        }
    }

    private static bool IsNorm(nn.Module module) => module is TorchSharp.Modules.BatchNorm1d or TorchSharp.Modules.BatchNorm2d
        or TorchSharp.Modules.BatchNorm3d or TorchSharp.Modules.LayerNorm or TorchSharp.Modules.GroupNorm;

    /// <summary>Inputs per output unit: in_features for a linear weight, in_channels/groups x kernel area for a convolution.</summary>
    private static long FanIn(long[] shape) => shape.Skip(1).Aggregate(1L, (a, b) => a * b);

    private static void Uniform(Tensor parameter, double bound, Generator generator) =>
        parameter.copy_((rand(parameter.shape, generator: generator) * 2 - 1) * bound);
}
