namespace TbScreen.Dicom.Json;

/// <summary>How <see cref="DicomJsonWriter"/> writes binary values: inline as Base64, or as a link a client fetches.</summary>
public sealed record DicomJsonOptions
{
    /// <summary>
    /// The BulkDataURI for a binary value, given its attribute path (<see cref="DicomJsonWriter.PathOf"/>: tags and item
    /// indices joined by '/', e.g. <c>7FE00010</c> or <c>00400275/0/00420011</c>); null writes the value inline. When
    /// this is null, every binary value is written inline, as dcm2json does.
    /// </summary>
    public Func<string, string?>? BulkDataUri { get; init; }

    /// <summary>
    /// Binary values shorter than this stay inline even when <see cref="BulkDataUri"/> would link them: a 2-byte
    /// Pixel Padding is cheaper in the answer than a second request. Pixel Data is always linked when it can be.
    /// </summary>
    public int BulkDataMinBytes { get; init; } = 1024;

    public static DicomJsonOptions Inline { get; } = new();
}
