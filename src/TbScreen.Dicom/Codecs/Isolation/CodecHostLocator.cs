using System.Runtime.InteropServices;

namespace TbScreen.Dicom.Codecs.Isolation;

/// <summary>How to start a codec host: the executable, its leading arguments and extra environment.</summary>
internal sealed record CodecHostCommand(string FileName, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// Finds TbScreen.Dicom.CodecHost. A project reference to it copies its apphost, .dll and runtimeconfig next to the
/// referencing app (dotnet run, tests, publish). The apphost is preferred; without one the .dll runs under the dotnet
/// muxer that runs us, so both processes use the same runtime.
/// </summary>
internal static class CodecHostLocator
{
    public const string HostName = "TbScreen.Dicom.CodecHost";

    public static CodecHostCommand Locate(string? hostPath)
    {
        string basePath = hostPath ?? Path.Combine(AppContext.BaseDirectory, HostName);
        var environment = ChildEnvironment();
        if (basePath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return File.Exists(basePath) ? new(Muxer(), [basePath], environment) : throw NotFound(basePath);
        }

        string apphost = OperatingSystem.IsWindows() && !basePath.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? basePath + ".exe" : basePath;
        if (File.Exists(apphost))
        {
            return new(apphost, [], environment);
        }

        string dll = basePath + ".dll";
        return File.Exists(dll) ? new(Muxer(), [dll], environment) : throw NotFound(basePath);
    }

    private static CodecFaultException NotFound(string basePath) => new(
        CodecFault.HostUnavailable,
        $"the native codec host {HostName} was not found at {basePath}; reference src/{HostName} from the application's " +
        "project (its build output must sit next to the application) or set the codec host path");

    /// <summary>The dotnet muxer running this process, else DOTNET_HOST_PATH (set by the SDK), else dotnet on PATH.</summary>
    private static string Muxer()
    {
        string muxerName = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } self && string.Equals(Path.GetFileName(self), muxerName, StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }

    /// <summary>
    /// An apphost finds the runtime through DOTNET_ROOT or a global install; when we run from a private install
    /// (the runtime folder is .../shared/Microsoft.NETCore.App/VERSION under a dotnet root), point the child at it.
    /// </summary>
    private static Dictionary<string, string> ChildEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        string runtime = RuntimeEnvironment.GetRuntimeDirectory();
        string root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_ROOT"))
            && File.Exists(Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet")))
        {
            environment["DOTNET_ROOT"] = root;
        }

        return environment;
    }
}
