using TbScreen.Screening.Display;
using TbScreen.Imaging;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Web.Viewing;

/// <summary>The radiograph behind a stored result, read back from the content store and decoded for viewing.</summary>
public sealed class StoredImages(IScreeningStore store, ContentStore content, DecodedImageCache decoded, Dicom.Pixels.PixelDataDecoder pixelDecoder)
{
    public enum Problem
    {
        None,
        ResultNotFound,
        ContentMissing,
        Purged,
        Undecodable,
    }

    private const string MissingText = "the uploaded file is not in the content store (Persistence:StoreContent off, or the store was cleared)";

    /// <summary>What a result page says once its image has gone under the retention policy.</summary>
    public static string PurgedText(DateTime purgedUtc) =>
        $"The source image was deleted on {purgedUtc:yyyy-MM-dd} under the retention policy (TbScreen:Retention); the result, scores and heatmap are kept.";

    public async Task<(Radiograph? Radiograph, Problem Problem, string? Detail)> LoadAsync(long resultId, CancellationToken cancellationToken)
    {
        var stored = await store.GetResultAsync(resultId, cancellationToken);
        return stored is null ? (null, Problem.ResultNotFound, null) : Decode(stored);
    }

    /// <summary>The radiograph of a result already read from the store.</summary>
    public (Radiograph? Radiograph, Problem Problem, string? Detail) Decode(StoredOutcome stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.Outcome.SourcePurgedAt is DateTime purged)
        {
            return (null, Problem.Purged, PurgedText(purged));
        }

        if (stored.Outcome.ContentSha256 is not { } sha)
        {
            return (null, Problem.ContentMissing, MissingText);
        }

        try
        {
            // Decoded once per file while it is in the cache; the store's read still verifies it the first time.
            var radiograph = decoded.GetOrDecode(sha, () =>
                WindowLevelRenderer.Decode(content.Get(sha) ?? throw new FileNotFoundException(MissingText), Path.GetFileName(stored.Outcome.Source), pixelDecoder));
            return (radiograph, Problem.None, null);
        }
        catch (FileNotFoundException)
        {
            return (null, Problem.ContentMissing, MissingText);
        }
        catch (ContentCorruptException e)
        {
            return (null, Problem.Undecodable, $"the stored file failed its integrity check: {e.Reason}");
        }
        catch (Exception e) when (e is Dicom.DicomException or ImageDecodeException)
        {
            return (null, Problem.Undecodable, e.Message);
        }
    }
}
