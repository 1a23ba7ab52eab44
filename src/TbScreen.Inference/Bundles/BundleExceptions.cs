namespace TbScreen.Inference.Bundles;

/// <summary>A model bundle or ensemble definition cannot be used; the message names the bundle folder and the reason.</summary>
public class ModelBundleException : Exception
{
    public ModelBundleException(string bundlePath, string reason, Exception? inner = null)
        : base($"{bundlePath}: {reason}", inner)
    {
        BundlePath = bundlePath;
        Reason = reason;
    }

    public string BundlePath { get; }

    public string Reason { get; }
}

/// <summary>metadata.json is missing, unreadable or fails validation; <see cref="Problems"/> lists every problem found.</summary>
public sealed class ModelMetadataException(string bundlePath, IReadOnlyList<string> problems, Exception? inner = null)
    : ModelBundleException(bundlePath, "invalid metadata.json: " + string.Join("; ", problems), inner)
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>model.onnx is not the file metadata.json describes (retrained, replaced or corrupted): refused.</summary>
public sealed class ModelHashMismatchException(string bundlePath, string expectedSha256, string actualSha256)
    : ModelBundleException(bundlePath, $"model.onnx SHA-256 is {actualSha256} but metadata.json expects {expectedSha256}; refusing to load a model that does not match its metadata")
{
    public string ExpectedSha256 { get; } = expectedSha256;

    public string ActualSha256 { get; } = actualSha256;
}
