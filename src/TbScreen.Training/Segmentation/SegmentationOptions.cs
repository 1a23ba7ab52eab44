using TbScreen.Imaging;
using TbScreen.Training.Augmentation;

namespace TbScreen.Training.Segmentation;

/// <summary>Everything `tbscreen train-lungs` can change; written into training.json and each checkpoint's sidecar.</summary>
public sealed record SegmentationOptions
{
    /// <summary>
    /// One grey channel; no border crop, because the mask must map back onto the original pixels; histogram
    /// equalisation so that a site's tone curve does not move the lung edge the net learns.
    /// </summary>
    public InputContract Contract { get; init; } = new()
    {
        Size = 256,
        Channels = 1,
        CropBorders = false,
        Standardisation = IntensityStandardisation.HistogramEqualisation,
    };

    public UNetOptions Net { get; init; } = new();

    public int Epochs { get; init; } = 30;

    public int BatchSize { get; init; } = 8;

    /// <summary>AdamW's peak rate: one warm-up epoch, then cosine decay to zero.</summary>
    public double LearningRate { get; init; } = 2e-3;

    public double WeightDecay { get; init; } = 1e-4;

    public int Threads { get; init; } = 1;

    public int Seed { get; init; } = 1;

    /// <summary>Milder than the classifier's: lungs fill most of the film, and a big shift pushes them out of it.</summary>
    public AugmentationOptions Augmentation { get; init; } = new()
    {
        RotationDegrees = 7, Scale = 0.08, Translate = 0.05, Brightness = 0.08, Contrast = 0.15, Gamma = 1.25,
    };

    /// <summary>Zoom-out and aspect changes in the same affine grid as the image and mask (off by default).</summary>
    public FieldOfViewOptions FieldOfView { get; init; } = new();

    /// <summary>The classifier's acquisition-style changes, on the image only (off by default).</summary>
    public AcquisitionOptions Acquisition { get; init; } = AcquisitionOptions.Off;

    /// <summary>Stop each epoch after this many batches (timing and smoke runs).</summary>
    public int? MaxBatchesPerEpoch { get; init; }

    public void Validate()
    {
        Contract.Validate();
        Net.Validate();
        Augmentation.Validate();
        FieldOfView.Validate();
        Acquisition.Validate();
        if (Contract.Channels != 1)
        {
            throw new ArgumentException($"The lung U-Net takes one grey channel, not {Contract.Channels}.");
        }

        if (Contract.Size % Net.SizeMultiple != 0)
        {
            throw new ArgumentException($"--size must be a multiple of {Net.SizeMultiple} for a depth-{Net.Depth} U-Net (got {Contract.Size}).");
        }

        if (Epochs < 1 || BatchSize < 1 || LearningRate <= 0 || WeightDecay < 0 || Threads < 1 || MaxBatchesPerEpoch < 1)
        {
            throw new ArgumentException("Epochs, batch size, threads and max batches must be positive, the learning rate positive, weight decay non-negative.");
        }
    }
}
