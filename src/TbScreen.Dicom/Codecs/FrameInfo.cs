namespace TbScreen.Dicom.Codecs;

/// <summary>What a codec needs to know about the frame it decodes or encodes.</summary>
public sealed record FrameInfo(
    int Rows,
    int Columns,
    int SamplesPerPixel,
    int BitsAllocated,
    int BitsStored,
    bool IsSigned,
    int PlanarConfiguration,
    string PhotometricInterpretation)
{
    public long SampleCount => (long)Rows * Columns * SamplesPerPixel;
}

/// <summary>
/// Decodes one compressed frame. The result holds one int per sample, row-major, samples
/// interleaved (PlanarConfiguration 0) unless the info says planar. Values are as the codec
/// produced them; the caller masks to Bits Stored and sign-extends. Corrupt input must raise
/// <see cref="DicomException"/>, never another exception type.
/// </summary>
public interface IFrameDecoder
{
    IReadOnlyCollection<string> TransferSyntaxUids { get; }

    int[] Decode(ReadOnlySpan<byte> frame, FrameInfo info);
}

/// <summary>Encodes one frame; used by our writer for samples, fixtures and exports.</summary>
public interface IFrameEncoder
{
    string TransferSyntaxUid { get; }

    byte[] Encode(ReadOnlySpan<int> samples, FrameInfo info);
}
