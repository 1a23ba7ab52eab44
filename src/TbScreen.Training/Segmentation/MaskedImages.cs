using TbScreen.Imaging;
using TbScreen.Inference.Datasets;
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

    /// <summary>Whether evaluation finds a reference mask for the image (<see cref="ReferenceMaskPaths"/>).</summary>
    public static bool HasReferenceMask(CxrRecord record) => ReferenceMaskPaths(record).Count > 0;

    /// <summary>
    /// The reference mask files of an image for evaluation: <c>masks/&lt;file&gt;</c> beside it, or else, in the NLM
    /// layout (Montgomery), <c>ManualMask/leftMask/&lt;file&gt;</c> and <c>ManualMask/rightMask/&lt;file&gt;</c> beside
    /// <c>CXR_png</c>, whose union is the lung field. Empty when the image has none.
    /// </summary>
    public static IReadOnlyList<string> ReferenceMaskPaths(CxrRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (HasMask(record))
        {
            return [MaskPath(record)];
        }

        string? imageFolder = Path.GetDirectoryName(record.Path);
        if (imageFolder is null || Path.GetFileName(imageFolder) != NlmLayoutReader.ImageFolder || Path.GetDirectoryName(imageFolder) is not string root)
        {
            return [];
        }

        string[] sides = ["leftMask", "rightMask"];
        var paths = sides.Select(side => Path.Combine(root, "ManualMask", side, Path.GetFileName(record.Path))).ToArray();
        return paths.All(File.Exists) ? paths : [];
    }

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
