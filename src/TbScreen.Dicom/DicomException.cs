namespace TbScreen.Dicom;

/// <summary>
/// The one exception the DICOM layer throws for bad input. It carries the file and the reason so a
/// batch can record the failure and a CLI can print one line without a stack trace.
/// </summary>
public class DicomException : Exception
{
    public DicomException(string reason, string? filePath = null, uint? tag = null, Exception? inner = null)
        : base(Compose(reason, filePath, tag), inner)
    {
        Reason = reason;
        FilePath = filePath;
        Tag = tag;
    }

    public string Reason { get; }

    public string? FilePath { get; }

    public uint? Tag { get; }

    /// <summary>Returns the same failure attributed to <paramref name="filePath"/> (codecs do not know the file).</summary>
    public virtual DicomException WithFile(string filePath) =>
        FilePath is null ? new DicomException(Reason, filePath, Tag, this) : this;

    private static string Compose(string reason, string? filePath, uint? tag)
    {
        string where = filePath is null ? string.Empty : filePath + ": ";
        string at = tag is null ? string.Empty : $" (tag ({tag.Value >> 16:X4},{tag.Value & 0xFFFF:X4}))";
        return where + reason + at;
    }
}

/// <summary>The file is valid but uses a transfer syntax we cannot decode.</summary>
public sealed class UnsupportedTransferSyntaxException : DicomException
{
    public UnsupportedTransferSyntaxException(string transferSyntaxUid, string? filePath = null, string? detail = null)
        : base($"unsupported transfer syntax {transferSyntaxUid}" + (detail is null ? string.Empty : $" ({detail})"), filePath)
    {
        TransferSyntaxUid = transferSyntaxUid;
        Detail = detail;
    }

    public string TransferSyntaxUid { get; }

    public string? Detail { get; }

    public override DicomException WithFile(string filePath) =>
        FilePath is null ? new UnsupportedTransferSyntaxException(TransferSyntaxUid, filePath, Detail) : this;
}
