using TorchSharp;
using static TorchSharp.torch;

namespace TbScreen.Training.Export;

/// <summary>
/// Turns a TorchSharp module's state_dict into the plain named-weights dictionary that
/// <see cref="TbScreen.Onnx.OnnxModelExporter"/> consumes, so the exporter itself never depends on TorchSharp.
/// </summary>
public static class StateDictWeights
{
    /// <summary>Every floating-point entry as float32 row-major data; integer buffers (num_batches_tracked) are left out.</summary>
    public static Dictionary<string, (float[] Data, long[] Shape)> From(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var weights = new Dictionary<string, (float[] Data, long[] Shape)>(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in module.state_dict())
        {
            if (!tensor.is_floating_point()) continue;
            using var cpu = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
            weights[name] = (cpu.data<float>().ToArray(), cpu.shape.ToArray());
        }
        return weights;
    }
}
