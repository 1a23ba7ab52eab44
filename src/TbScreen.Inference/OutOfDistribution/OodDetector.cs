namespace TbScreen.Inference.OutOfDistribution;

/// <summary>
/// How unlike the training features one image's features are. With x − μ split into its coordinates z_i on the k
/// principal directions and the residual r outside them:
/// <c>distance = sqrt( Σ_i z_i² / λ_i + |r|² / ρ )</c>, λ_i the training variance along direction i and ρ the
/// training mean of |r|². The first term is the Mahalanobis distance inside the subspace; the second is the
/// energy the subspace misses in units of what training images miss, which catches images whose features leave
/// the subspace entirely (a uniform grey square, a photo) and which a subspace-only distance would call typical.
/// Training images score about sqrt(k + 1) on average. Thread-safe (immutable).
/// </summary>
public sealed class OodDetector
{
    private readonly double[] mean;
    private readonly double[][] directions;
    private readonly double[] variances;

    public OodDetector(OodModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        mean = [.. model.Mean];
        directions = [.. model.Directions.Select(d => d.ToArray())];
        variances = [.. model.Variances];
    }

    public OodModel Model { get; }

    public double Threshold => Model.Threshold;

    /// <summary>The distance above; throws when the feature width is not the fitted one.</summary>
    public double Distance(ReadOnlySpan<float> features)
    {
        if (features.Length != mean.Length)
        {
            throw new ArgumentException($"features have {features.Length} values; the detector was fitted on {mean.Length}", nameof(features));
        }

        var centred = new double[mean.Length];
        double total = 0;
        for (int j = 0; j < centred.Length; j++)
        {
            centred[j] = features[j] - mean[j];
            total += centred[j] * centred[j];
        }

        double inside = 0, explained = 0;
        for (int i = 0; i < directions.Length; i++)
        {
            double z = Dot(directions[i], centred);
            inside += z * z / variances[i];
            explained += z * z;
        }

        // |r|² = |x − μ|² − Σ z_i² (orthonormal directions); clamp the rounding below zero.
        double residual = Math.Max(0, total - explained);
        return Math.Sqrt(inside + residual / Model.ResidualScale);
    }

    /// <summary>Distance over threshold: above 1 is unfamiliar.</summary>
    public double Score(ReadOnlySpan<float> features) => Distance(features) / Threshold;

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++) sum += a[j] * b[j];
        return sum;
    }
}
