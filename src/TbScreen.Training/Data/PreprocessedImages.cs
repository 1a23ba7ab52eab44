using TbScreen.Dicom;
using TbScreen.Imaging;
using TbScreen.Inference.Lungs;
using TbScreen.Inference.Datasets;
using TbScreen.Training.Data;
using static TorchSharp.torch;

namespace TbScreen.Training.Data;

/// <summary>
/// Every image run once through the inference preprocessing (<see cref="RadiographPipeline.ToTensor"/>) and
/// kept in memory as one [0,1] gray plane in half precision: 917 images at 224 px take 92 MB instead of the
/// 550 MB of three float channels. Half keeps ~3 significant digits, finer than the 8-bit sources.
/// Augmentation works on the [0,1] plane; normalisation and channel replication happen per batch.
/// </summary>
public sealed class PreprocessedImages
{
    private readonly Half[] pixels;

    private PreprocessedImages(InputContract contract, Half[] pixels, int count)
    {
        Contract = contract;
        this.pixels = pixels;
        Count = count;
    }

    public InputContract Contract { get; }

    public int Count { get; }

    public int Size => Contract.Size;

    /// <param name="onLoaded">Called after each image (from worker threads) for progress.</param>
    /// <param name="lungs">The lung segmenter, required by a contract that crops to the lungs (the same bundle inference uses).</param>
    public static PreprocessedImages Load(IReadOnlyList<CxrRecord> records, InputContract contract, int threads = 1, Action? onLoaded = null, LungSegmenter? lungs = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(contract);
        contract.Validate();
        if (contract.CropToLungs && lungs is null)
        {
            throw new ArgumentException("The input contract crops to the lungs: a lung segmentation bundle is needed (--lungs).", nameof(lungs));
        }
        var single = contract with { Channels = 1 };
        int plane = contract.Size * contract.Size;
        var pixels = new Half[(long)records.Count * plane];
        Parallel.For(0, records.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            float[] tensor;
            try
            {
                var radiograph = RadiographFiles.Load(records[i].Path);
                var lungField = lungs is null ? null : LungFieldCrop.For(contract, lungs.Segment(radiograph));
                tensor = RadiographPipeline.ToTensor(radiograph, single, lungField);
            }
            catch (Exception e) when (e is DicomException or ImageDecodeException)
            {
                throw new DatasetException($"cannot preprocess: {e.Message}", records[i].Path, inner: e);
            }

            long offset = (long)i * plane;
            for (int p = 0; p < plane; p++)
            {
                // Undo the contract's normalisation: augmentation needs the [0,1] gray value.
                pixels[offset + p] = (Half)(tensor[p] * contract.Std + contract.Mean);
            }

            onLoaded?.Invoke();
        });
        return new PreprocessedImages(contract, pixels, records.Count);
    }

    /// <summary>The [0,1] gray planes of the given images as a float tensor [N,1,Size,Size].</summary>
    public Tensor Gray(IReadOnlyList<int> indices)
    {
        int plane = Size * Size;
        var batch = new float[(long)indices.Count * plane];
        for (int b = 0; b < indices.Count; b++)
        {
            long source = (long)indices[b] * plane;
            for (int p = 0; p < plane; p++)
            {
                batch[(long)b * plane + p] = (float)pixels[source + p];
            }
        }

        return tensor(batch, new long[] { indices.Count, 1, Size, Size });
    }

    /// <summary>Gray [N,1,S,S] to the model input [N,Channels,S,S]: the contract's (x - Mean) / Std, plane replicated.</summary>
    public Tensor ToModelInput(Tensor gray)
    {
        // Explicit scalars held to the end of the call: an implicitly converted Scalar can be finalised while the
        // native op still reads it (seen as "Unknown scalar type" hours into a training run).
        using TorchSharp.Scalar mean = Contract.Mean;
        using TorchSharp.Scalar std = Contract.Std;
        var normalised = gray.sub(mean).div_(std);
        return normalised.expand(gray.shape[0], Contract.Channels, Size, Size).contiguous();
    }

    /// <summary>One image as the flat model input [Channels,S,S] (the same values <see cref="ToModelInput"/> gives), for ONNX Runtime.</summary>
    /// <summary>The cached [0,1] plane of one image, Size x Size, row-major.</summary>
    public float[] Plane(int index)
    {
        int plane = Size * Size;
        var values = new float[plane];
        long source = (long)index * plane;
        for (int p = 0; p < plane; p++)
        {
            values[p] = (float)pixels[source + p];
        }

        return values;
    }

    public float[] ToModelInputArray(int index)
    {
        int plane = Size * Size;
        var input = new float[(long)Contract.Channels * plane];
        long source = (long)index * plane;
        for (int p = 0; p < plane; p++)
        {
            input[p] = ((float)pixels[source + p] - Contract.Mean) / Contract.Std;
        }

        for (int c = 1; c < Contract.Channels; c++)
        {
            Array.Copy(input, 0, input, c * plane, plane);
        }

        return input;
    }
}
