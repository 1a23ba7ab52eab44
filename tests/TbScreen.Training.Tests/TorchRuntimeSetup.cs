using System.Runtime.CompilerServices;
using TbScreen.Training.Runtime;

namespace TbScreen.Training.Tests;

internal static class TorchRuntimeSetup
{
    /// <summary>Before any TorchSharp call: turns off libtorch's oneDNN (see <see cref="TorchCpuBackend"/>).</summary>
#pragma warning disable CA2255 // deliberate: the native environment must be set before libtorch's first oneDNN primitive
    [ModuleInitializer]
    internal static void Initialize() => TorchCpuBackend.Apply();
#pragma warning restore CA2255
}
