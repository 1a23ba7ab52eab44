using TorchSharp;

namespace TbScreen.Training.Models;

/// <summary>
/// Scalars held for the life of the process. TorchSharp 0.107.0's <c>Tensor + Tensor</c> makes an alpha of 1 as a
/// finalizable <see cref="Scalar"/> that nothing holds during the native call, so a collection can free it while
/// libtorch reads it ("Expected false to be true ... toFloat at Scalar.h", docs/training.md). Forward passes that
/// add tensors pass this one instead.
/// </summary>
internal static class HeldScalars
{
    public static readonly Scalar One = 1.0.ToScalar();
}
