using TbScreen.Dicom.Json;
using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Tests.TestData;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Tests.Json;

/// <summary>What a BulkDataURI and a WADO-RS frame stand for: exact bytes, little endian, from any byte order.</summary>
public sealed class BulkDataAndFramesTests
{
    [SkippableTheory]
    [InlineData("MR_small_bigendian.dcm", "refs/MR_small_bigendian.i16le.raw")] // big endian OW, signed
    [InlineData("CT-MONO2-16-ankle.dcm", "refs/CT-MONO2-16-ankle.i16le.raw")] // implicit VR
    [InlineData("RG3_UNC.dcm", "refs/RG3_UNC.u16le.raw")]
    public void A_native_frame_is_the_independent_decoders_stored_values_as_little_endian_bytes(string name, string reference)
    {
        var dataset = new DicomReader().Read(SharedDicomData.PathOf(name)).Dataset;

        Assert.Equal(File.ReadAllBytes(SharedDicomData.PathOf(reference)), NativeFrames.Frame(dataset, 1));
    }

    [Fact]
    public void Frames_of_8_bit_samples_in_big_endian_OW_that_start_on_an_odd_byte_come_back_in_order()
    {
        // Three 3x3 frames: frame 2 starts at byte 9, inside a swapped 16-bit word, and the 27 bytes need a pad byte,
        // which the writer must add before it swaps (it swapped first, so the last sample came back as the pad).
        byte[] samples = [.. Enumerable.Range(1, 27).Select(i => (byte)i)];
        var source = Image(rows: 3, columns: 3, bits: 8, frames: 3).AddBytes(DicomTag.PixelData, "OW", samples);
        var dataset = new DicomReader().Parse(DicomWriter.Write(source, TransferSyntax.ExplicitVrBigEndianUid), "be.dcm").Dataset;
        Assert.True(dataset.BigEndian);

        Assert.Equal(samples[9..18], NativeFrames.Frame(dataset, 2));
        Assert.Equal(samples[18..27], NativeFrames.Frame(dataset, 3));
    }

    [Fact]
    public void A_frame_that_is_not_there_is_refused_with_the_reason()
    {
        var dataset = Image(rows: 2, columns: 2, bits: 16, frames: 2).AddBytes(DicomTag.PixelData, "OW", new byte[12]);

        Assert.Equal("frame 3 does not exist: the object has 2", Assert.Throws<DicomException>(() => NativeFrames.Frame(dataset, 3)).Reason);
        Assert.Equal("frame 0 does not exist: the object has 2", Assert.Throws<DicomException>(() => NativeFrames.Frame(dataset, 0)).Reason);
        Assert.Equal("the Pixel Data holds 12 bytes but frame 2 needs 16", Assert.Throws<DicomException>(() => NativeFrames.Frame(dataset, 2)).Reason);
        Assert.Equal("the object has no Pixel Data", Assert.Throws<DicomException>(() => NativeFrames.Frame(new DicomDataset(), 1)).Reason);
    }

    [SkippableFact]
    public void Compressed_frames_are_refused_not_sent_as_if_uncompressed()
    {
        var dataset = new DicomReader().Read(SharedDicomData.PathOf("RG3_J2KR.dcm")).Dataset;

        Assert.Contains("compressed", Assert.Throws<DicomException>(() => NativeFrames.Frame(dataset, 1)).Reason);
    }

    [Fact]
    public void A_bulk_data_path_reaches_into_sequence_items_and_anything_else_is_null()
    {
        var dataset = new DicomDataset().AddSequence(0x00081140,
            new DicomDataset(),
            new DicomDataset().AddBytes(0x00420011, "OB", [1, 2, 3, 4]).AddString(0x00081150, "UI", "1.2.3"));
        dataset.AddBytes(0x00111013, "OW", [5, 0, 6, 0]);

        Assert.Equal([1, 2, 3, 4], DicomJsonWriter.BulkData(dataset, "00081140/1/00420011"));
        Assert.Equal([5, 0, 6, 0], DicomJsonWriter.BulkData(dataset, "00111013"));
        Assert.Null(DicomJsonWriter.BulkData(dataset, "00081140/1/00081150")); // text, not binary
        Assert.Null(DicomJsonWriter.BulkData(dataset, "00081140/2/00420011")); // no such item
        Assert.Null(DicomJsonWriter.BulkData(dataset, "00081140/0/00420011"));
        Assert.Null(DicomJsonWriter.BulkData(dataset, "00081140"));
        Assert.Null(DicomJsonWriter.BulkData(dataset, "81140/1/00420011"));
        Assert.Null(DicomJsonWriter.BulkData(dataset, "00081140/x/00420011"));
        Assert.Null(DicomJsonWriter.BulkData(dataset, "../../etc/passwd"));
    }

    private static DicomDataset Image(int rows, int columns, int bits, int frames)
    {
        var dataset = new DicomDataset()
            .AddUInt16(DicomTag.SamplesPerPixel, 1)
            .AddString(DicomTag.PhotometricInterpretation, "CS", "MONOCHROME2")
            .AddUInt16(DicomTag.Rows, (ushort)rows)
            .AddUInt16(DicomTag.Columns, (ushort)columns)
            .AddUInt16(DicomTag.BitsAllocated, (ushort)bits)
            .AddUInt16(DicomTag.BitsStored, (ushort)bits)
            .AddUInt16(DicomTag.HighBit, (ushort)(bits - 1))
            .AddUInt16(DicomTag.PixelRepresentation, 0);
        return dataset.AddString(DicomTag.NumberOfFrames, "IS", frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
