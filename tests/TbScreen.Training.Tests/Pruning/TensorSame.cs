using static TorchSharp.torch;

namespace TbScreen.Training.Tests.Pruning;

internal static class TensorSame
{
    /// <summary>Same shape and bitwise-equal values (no tolerance).</summary>
    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && (a == b).all().item<bool>();
}
