using TbScreen.Imaging;
using TbScreen.Training.Data;
using static TorchSharp.torch;

namespace TbScreen.Training.Segmentation;

/// <summary>
/// Radiographs and their lung masks at the model's size. Images go through the inference preprocessing
/// (<see cref="PreprocessedImages"/>); masks through the same letterbox and area filter without any intensity
/// step, so a mask pixel at the model size is the fraction of lung it covers (a soft target at the edges).
/// </summary>
public sealed class MaskedImages
{
    /// <summary>Where a manifest's lung masks live: <c>masks/&lt;file name&gt;</c> beside the image.</summary>
    public static string MaskPath(CxrRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Path.Combine(Path.GetDirectoryName(record.Path)!, "masks", Path.GetFileName(record.Path));
    }

    public static bool HasMask(CxrRecord record) => File.Exists(MaskPath(record));

    private MaskedImages(PreprocessedImages images, PreprocessedImages masks)
    {
        Images = images;
        Masks = masks;
    }

    public PreprocessedImages Images { get; }

    public PreprocessedImages Masks { get; }

    public int Count => Images.Count;

    public static MaskedImages Load(IReadOnlyList<CxrRecord> records, InputContract contract, int threads, Action? onLoaded = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        var missing = records.FirstOrDefault(r => !HasMask(r));
        if (missing is not null)
        {
            throw new DatasetException("no lung mask beside it (expected masks/<file>)", missing.Path);
        }

        var images = PreprocessedImages.Load(records, contract, threads, onLoaded);
        var maskContract = contract with { Standardisation = IntensityStandardisation.None, CropBorders = false };
        var masks = PreprocessedImages.Load(records.Select(r => r with { Path = MaskPath(r) }).ToList(), maskContract, threads, onLoaded);
        return new MaskedImages(images, masks);
    }

    /// <summary>Images [N,1,S,S] in [0,1] and masks [N,1,S,S] in [0,1].</summary>
    public (Tensor Gray, Tensor Mask) Batch(IReadOnlyList<int> indices) => (Images.Gray(indices), Masks.Gray(indices));
}
