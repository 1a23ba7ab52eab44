using TbScreen.Dicom;

namespace TbScreen.Web.Api;

/// <summary>
/// The upload type rule: DICOM, PNG or JPEG, judged by the leading bytes (never the name or the declared content
/// type, which a client sets at will). Anything else is refused before it reaches the pipeline or the content store.
/// </summary>
public static class UploadSniffer
{
    public const int HeadLength = DicomSniffer.HeadLength;

    public enum Kind
    {
        Unknown,
        Dicom,
        Png,
        Jpeg,
    }

    public static Kind Detect(ReadOnlySpan<byte> head, long length)
    {
        if (head.Length >= 8 && head[..8].SequenceEqual<byte>([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return Kind.Png;
        }

        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return Kind.Jpeg;
        }

        return DicomSniffer.IsDicom(head, length) ? Kind.Dicom : Kind.Unknown;
    }

    /// <summary>Reads the head of a seekable stream and rewinds it.</summary>
    public static Kind Detect(Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanSeek)
        {
            throw new ArgumentException("The upload must be buffered (seekable) before sniffing.", nameof(content));
        }

        long start = content.Position;
        Span<byte> head = stackalloc byte[HeadLength];
        int read = content.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        content.Position = start;
        return Detect(head[..read], content.Length - start);
    }
}
