namespace TbScreen.Training.Augmentation;

/// <summary>
/// Probabilities of the acquisition-style changes (per image, independently): what differs between hospitals'
/// films rather than between lungs. Applied to both classes alike, so none of them can predict the label.
/// </summary>
public sealed record AcquisitionOptions
{
    public bool Enabled { get; init; }

    /// <summary>A random display window: black and white points moved inwards.</summary>
    public double Window { get; init; } = 0.3;

    /// <summary>Gaussian blur or unsharp-mask sharpening (half each).</summary>
    public double BlurOrSharpen { get; init; } = 0.3;

    /// <summary>Additive Gaussian noise.</summary>
    public double Noise { get; init; } = 0.3;

    /// <summary>JPEG re-encoding at quality 20 to 80.</summary>
    public double Jpeg { get; init; } = 0.2;

    /// <summary>Down-sampling to 30-70 % and back: another detector's resolution.</summary>
    public double Resolution { get; init; } = 0.3;

    /// <summary>Random borders and collimation bands, black, white or grey.</summary>
    public double Borders { get; init; } = 0.3;

    /// <summary>Synthetic burned-in text and side markers.</summary>
    public double Text { get; init; } = 0.5;

    /// <summary>Histogram matching to a random training image from another source.</summary>
    public double HistogramMatch { get; init; } = 0.3;

    public static AcquisitionOptions Off { get; } = new();

    public static AcquisitionOptions On { get; } = new() { Enabled = true };

    public void Validate()
    {
        double[] all = [Window, BlurOrSharpen, Noise, Jpeg, Resolution, Borders, Text, HistogramMatch];
        if (all.Any(p => p is < 0 or > 1 || double.IsNaN(p)))
        {
            throw new ArgumentException("Acquisition augmentation probabilities must be in [0, 1].");
        }
    }
}
