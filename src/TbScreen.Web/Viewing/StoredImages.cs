using TbScreen.Screening.Display;
using TbScreen.Imaging;
using TbScreen.Screening.Persistence;
using TbScreen.Screening.Storage;

namespace TbScreen.Web.Viewing;

/// <summary>The radiograph behind a stored result, read back from the content store and decoded for viewing.</summary>
public sealed class StoredImages(IScreeningStore store, ContentStore content)
{
    public enum Problem
    {
        None,
        ResultNotFound,
        ContentMissing,
        Undecodable,
    }

    public async Task<(Radiograph? Radiograph, Problem Problem, string? Detail)> LoadAsync(long resultId, CancellationToken cancellationToken)
    {
        var stored = await store.GetResultAsync(resultId, cancellationToken);
        return stored is null ? (null, Problem.ResultNotFound, null) : Decode(stored);
    }

    /// <summary>The radiograph of a result already read from the store.</summary>
    public (Radiograph? Radiograph, Problem Problem, string? Detail) Decode(StoredOutcome stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.Outcome.ContentSha256 is not { } sha || content.Get(sha) is not { } bytes)
        {
            return (null, Problem.ContentMissing, "the uploaded file is not in the content store (Persistence:StoreContent off, or the store was cleared)");
        }

        try
        {
            return (WindowLevelRenderer.Decode(bytes, Path.GetFileName(stored.Outcome.Source)), Problem.None, null);
        }
        catch (Exception e) when (e is Dicom.DicomException or ImageDecodeException)
        {
            return (null, Problem.Undecodable, e.Message);
        }
    }
}
