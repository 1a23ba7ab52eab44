using System.Buffers.Binary;
using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Tests.Fixtures;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>
/// Encapsulated Uncompressed Explicit VR Little Endian (1.2.840.10008.1.2.1.98): each frame is one fragment of native
/// little-endian samples, so every pixel layout reads exactly as its Explicit VR Little Endian twin.
/// </summary>
public sealed class EncapsulatedUncompressedTests
{
    public static TheoryData<int> Variants() => [.. Enumerable.Range(0, FixtureFactory.PixelVariants().Count())];

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_pixel_layout_reads_as_its_native_twin(int variant)
    {
        var spec = FixtureFactory.PixelVariants().ElementAt(variant);
        var (encapsulated, stored) = FixtureFactory.Write(TransferSyntax.EncapsulatedUncompressedUid, new RawFrameEncoder(), spec);
        var (native, _) = FixtureFactory.Write(TransferSyntax.ExplicitVrLittleEndianUid, null, spec);
        var file = new DicomReader().Parse(encapsulated, "ts98.dcm");
        Assert.True(file.Dataset[DicomTag.PixelData]!.IsEncapsulated);

        var frame = PixelDataDecoder.Default.DecodeStoredFrame(file);

        Assert.Equal(stored, frame.Values);
        Assert.Equal(PixelDataDecoder.Default.DecodeStoredFrame(new DicomReader().Parse(native, "native.dcm")).Values, frame.Values);
    }

    [Fact]
    public void A_fragment_shorter_than_its_frame_is_refused_with_the_sizes()
    {
        var spec = new SampleSpec(20, 30, Seed: 3);
        var (bytes, _) = FixtureFactory.Write(TransferSyntax.EncapsulatedUncompressedUid, new RawFrameEncoder(truncateBy: 10), spec);

        var ex = Assert.Throws<DicomException>(() => PixelDataDecoder.Default.DecodeStoredFrame(new DicomReader().Parse(bytes, "short.dcm")));

        Assert.Contains("holds 1190 bytes but frame 1 needs 1200", ex.Message);
    }

    [Fact]
    public void The_network_and_the_reader_know_it_as_lossless_and_encapsulated()
    {
        var syntax = TransferSyntax.Lookup(TransferSyntax.EncapsulatedUncompressedUid);

        Assert.True(syntax.Encapsulated && syntax.ExplicitVr && !syntax.Lossy && !syntax.BigEndian);
        Assert.True(PixelDataDecoder.Default.CanDecode(TransferSyntax.EncapsulatedUncompressedUid));
    }

    /// <summary>Native little-endian cells at Bits Allocated: exactly what one .98 fragment holds.</summary>
    private sealed class RawFrameEncoder(int truncateBy = 0) : IFrameEncoder
    {
        public string TransferSyntaxUid => TransferSyntax.EncapsulatedUncompressedUid;

        public byte[] Encode(ReadOnlySpan<int> samples, FrameInfo info)
        {
            int width = info.BitsAllocated / 8;
            var bytes = new byte[samples.Length * width];
            for (int i = 0; i < samples.Length; i++)
            {
                if (width == 1)
                {
                    bytes[i] = (byte)samples[i];
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)samples[i]);
                }
            }

            return bytes[..^truncateBy];
        }
    }
}
