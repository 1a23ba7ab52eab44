namespace TbScreen.Inference.OutOfDistribution;

/// <summary>
/// ood.json (schema version 1): a Gaussian model of one bundle's training features in a PCA subspace, and the
/// distance threshold chosen on validation features. Written by <see cref="OodFitter"/>, read by <see cref="OodDetector"/>.
/// </summary>
public sealed record OodModel
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>D, the width of the features output.</summary>
    public int FeatureDimension { get; init; }

    /// <summary>Training images the mean and covariance come from.</summary>
    public int FitCount { get; init; }

    /// <summary>Validation images the threshold comes from.</summary>
    public int ValidationCount { get; init; }

    /// <summary>k, the principal directions kept (at most the requested number, D and FitCount - 1).</summary>
    public int Components { get; init; }

    /// <summary>The validation quantile the threshold sits at, e.g. 0.99.</summary>
    public double Quantile { get; init; }

    /// <summary>Distance above which an image is unfamiliar (the <see cref="Quantile"/> of validation distances).</summary>
    public double Threshold { get; init; }

    /// <summary>Training mean, D values.</summary>
    public IReadOnlyList<double> Mean { get; init; } = [];

    /// <summary>k unit principal directions of D values each, by decreasing variance.</summary>
    public IReadOnlyList<IReadOnlyList<double>> Directions { get; init; } = [];

    /// <summary>Training variance along each direction (covariance eigenvalues, divisor FitCount - 1).</summary>
    public IReadOnlyList<double> Variances { get; init; } = [];

    /// <summary>Mean squared norm of the training features' residual outside the subspace: the residual term's unit.</summary>
    public double ResidualScale { get; init; }

    /// <summary>Where the features came from, so a stale or borrowed ood.json is recognised.</summary>
    public OodFeatureSource Source { get; init; } = new();
}

/// <summary>The model and data the detector was fitted on.</summary>
public sealed record OodFeatureSource
{
    /// <summary>SHA-256 of the model.onnx whose features output was read; must equal the bundle's onnxSha256.</summary>
    public string OnnxSha256 { get; init; } = "";

    /// <summary>The graph output read, e.g. "features".</summary>
    public string FeaturesOutput { get; init; } = "";

    /// <summary>SHA-256 over the split file and the manifests (in the order given), identifying the training data.</summary>
    public string DataSha256 { get; init; } = "";

    /// <summary>The manifests and split file, as given to fit-ood (for people; the hash is the check).</summary>
    public string Description { get; init; } = "";
}
