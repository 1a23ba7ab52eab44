using System.Reflection;

namespace TbScreen.Training.Pretrained;

/// <summary>
/// Finds ResNet18.onnx of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.24.0 (MIT; ImageNet weights
/// exported from CNTK 2.6), which TbScreen.Training references without assets so that restore fetches it but nothing
/// of it is compiled in or copied to output folders. Order: the TBSCREEN_RESNET18_ONNX variable, the folder restore
/// recorded at build time, then the NuGet global packages folder (NUGET_PACKAGES or ~/.nuget/packages).
/// </summary>
public static class ResNet18OnnxFile
{
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";
    public const string PackageVersion = "0.24.0";
    public const string EnvironmentVariable = "TBSCREEN_RESNET18_ONNX";

    private const string RelativeModel = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx";
    private const string RelativePreprocess = "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>The feature extractor graph (input Input247 [1,3,224,224], output Pooling395_Output_0 [1,512,1,1]).</summary>
    public static string Resolve() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } overridden
            ? RequireFile(overridden, $"set by {EnvironmentVariable}")
            : FindInPackage(RelativeModel);

    /// <summary>The package's preprocessing graph (RGB to BGR, minus a per-pixel ImageNet mean image on the 0..255 scale).</summary>
    public static string ResolvePreprocess() => FindInPackage(RelativePreprocess);

    /// <summary>Package folders to try, in order; those that do not exist are skipped by <see cref="Resolve"/>.</summary>
    public static IEnumerable<string> CandidatePackageFolders()
    {
        string? recorded = typeof(ResNet18OnnxFile).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TbScreen.ResNet18PackageFolder")?.Value;
        if (!string.IsNullOrWhiteSpace(recorded)) yield return recorded;
        string globalFolder = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // NuGet lower-cases ids and versions in the global packages folder.
        yield return Path.Combine(globalFolder, PackageId.ToLowerInvariant(), PackageVersion);
    }

    private static string FindInPackage(string relative)
    {
        var tried = new List<string>();
        foreach (string folder in CandidatePackageFolders())
        {
            string candidate = Path.Combine(folder, relative);
            if (File.Exists(candidate)) return candidate;
            tried.Add(candidate);
        }

        throw new PretrainedWeightsException(tried.LastOrDefault() ?? relative,
            $"{PackageId} {PackageVersion} is not restored (run `dotnet restore src/TbScreen.Training`, or set {EnvironmentVariable}); tried: {string.Join("; ", tried)}.");
    }

    private static string RequireFile(string path, string origin) =>
        File.Exists(path) ? path : throw new PretrainedWeightsException(path, $"file not found ({origin}).");
}
