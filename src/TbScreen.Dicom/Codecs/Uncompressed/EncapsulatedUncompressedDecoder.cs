using TbScreen.Dicom.Pixels;

namespace TbScreen.Dicom.Codecs.Uncompressed;

/// <summary>
/// Encapsulated Uncompressed Explicit VR Little Endian (1.2.840.10008.1.2.1.98, PS3.5 A.4.11): each frame is one
/// fragment holding the frame exactly as native little-endian Pixel Data would (a pad byte may follow), so the native
/// reader decodes it.
/// </summary>
public sealed class EncapsulatedUncompressedDecoder : IFrameDecoder
{
    public IReadOnlyCollection<string> TransferSyntaxUids { get; } = [TransferSyntax.EncapsulatedUncompressedUid];

    public int[] Decode(ReadOnlySpan<byte> frame, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var pixels = new PixelDescription(info.Rows, info.Columns, info.SamplesPerPixel, info.BitsAllocated, info.BitsStored, info.BitsStored - 1,
            info.IsSigned ? 1 : 0, info.PhotometricInterpretation, info.PlanarConfiguration, NumberOfFrames: 1);
        return NativePixelReader.ReadFrame(frame, pixels, 0, bigEndian: false, wordSwappedBytes: false);
    }
}
