using System.Text;
using TbScreen.Dicom.Codecs.Rle;
using TbScreen.Dicom.Pixels;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;
using TbScreen.Imaging;

namespace TbScreen.Dicom.Tests.Fixtures;

/// <summary>Dataset structure the reader must cope with, on files our writer produces.</summary>
public sealed class StructureTests
{
    private const uint PrivateCreator = 0x00090010;
    private const uint PrivateValue = 0x00091001;
    private const uint ReferencedImageSequence = 0x00081140;
    private const uint ReferencedSopInstanceUid = 0x00081155;

    private static DicomDataset NestedDataset()
    {
        var (ds, _) = SampleDatasets.Create(new SampleSpec(16, 16, Seed: 21));
        var inner = new DicomDataset().AddString(ReferencedSopInstanceUid, "UI", "1.2.3.4.5");
        var outer = new DicomDataset()
            .AddString(DicomTag.Manufacturer, "LO", "Outer")
            .AddSequence(0x00082112, inner, new DicomDataset().AddString(ReferencedSopInstanceUid, "UI", "1.2.3.4.6"));
        ds.AddSequence(ReferencedImageSequence, outer, new DicomDataset())
          .AddString(PrivateCreator, "LO", "ACME 1.1")
          .AddString(PrivateValue, "LO", "odd");
        return ds;
    }

    [Theory]
    [InlineData(TransferSyntax.ExplicitVrLittleEndianUid, true)]
    [InlineData(TransferSyntax.ExplicitVrLittleEndianUid, false)]
    [InlineData(TransferSyntax.ImplicitVrLittleEndianUid, true)]
    [InlineData(TransferSyntax.ImplicitVrLittleEndianUid, false)]
    [InlineData(TransferSyntax.ExplicitVrBigEndianUid, true)]
    [InlineData(TransferSyntax.DeflatedExplicitVrLittleEndianUid, false)]
    public void NestedSequencesAndPrivateTagsParse(string syntax, bool undefinedLengths)
    {
        var bytes = DicomWriter.Write(NestedDataset(), syntax, new DicomWriterOptions { UndefinedLengthSequences = undefinedLengths });
        var ds = new DicomReader().Parse(bytes, "nested.dcm").Dataset;

        var items = ds.GetSequence(ReferencedImageSequence);
        Assert.Equal(2, items.Count);
        Assert.Equal("Outer", items[0].GetString(DicomTag.Manufacturer));
        Assert.Equal(0, items[1].Count);
        var nested = items[0].GetSequence(0x00082112);
        Assert.Equal(new string?[] { "1.2.3.4.5", "1.2.3.4.6" }, nested.Select(i => i.GetString(ReferencedSopInstanceUid)).ToArray());
        Assert.Equal("ACME 1.1", ds.GetString(PrivateCreator));
        Assert.Equal("odd", ds.GetString(PrivateValue));
        Assert.Equal(16, ds.GetInt(DicomTag.Rows)); // elements after the sequence still parse
    }

    [Fact]
    public void OddLengthValuesAreAccepted()
    {
        var bytes = DicomWriter.Write(NestedDataset(), TransferSyntax.ExplicitVrLittleEndianUid, new DicomWriterOptions { PadOddLengths = false });
        var ds = new DicomReader().Parse(bytes, "odd.dcm").Dataset;

        Assert.Equal(3, ds[PrivateValue]!.Value.Length);
        Assert.Equal("odd", ds.GetString(PrivateValue));
        Assert.Equal("TbScreen Phantom", ds.GetString(DicomTag.Manufacturer));
    }

    [Fact]
    public void UnknownVrWithUndefinedLengthIsParsedAsImplicitSequence()
    {
        // CP-246: a sequence re-encoded as UN keeps its undefined length and implicit VR LE items.
        var implicitItem = DicomWriter.Write(new DicomDataset().AddString(ReferencedSopInstanceUid, "UI", "9.8.7"), TransferSyntax.ImplicitVrLittleEndianUid, new DicomWriterOptions { Preamble = false });
        var un = new List<byte>();
        un.AddRange([0x08, 0x00, 0x40, 0x11, (byte)'U', (byte)'N', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]);
        un.AddRange([0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]);
        un.AddRange(implicitItem);
        un.AddRange([0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
        var head = DicomWriter.Write(new DicomDataset().AddString(DicomTag.SopInstanceUid, "UI", "1.2"), TransferSyntax.ExplicitVrLittleEndianUid);
        var tail = DicomWriter.Write(new DicomDataset().AddString(DicomTag.PatientSex, "CS", "M"), TransferSyntax.ExplicitVrLittleEndianUid, new DicomWriterOptions { Preamble = false });

        var ds = new DicomReader().Parse([.. head, .. un, .. tail], "un.dcm").Dataset;

        Assert.Equal("9.8.7", ds.GetSequence(ReferencedImageSequence).Single().GetString(ReferencedSopInstanceUid));
        Assert.Equal("M", ds.GetString(DicomTag.PatientSex));
    }

    [Theory]
    [InlineData("ISO_IR 192", "Zürich Ärztehaus 中心")]
    [InlineData("ISO_IR 100", "Hôpital Saint-Louis")]
    [InlineData("ISO_IR 144", "Больница")]
    [InlineData("", "Plain Hospital")]
    public void TextFollowsSpecificCharacterSet(string charset, string institution)
    {
        var encoding = DicomCharacterSet.FromTerms([charset]);
        var ds = new DicomDataset(textEncoding: encoding).AddString(DicomTag.SpecificCharacterSet, "CS", charset).AddString(DicomTag.InstitutionName, "LO", institution);
        var parsed = new DicomReader().Parse(DicomWriter.Write(ds, TransferSyntax.ExplicitVrLittleEndianUid), "cs.dcm").Dataset;

        Assert.Equal(institution, parsed.GetString(DicomTag.InstitutionName));
    }

    [Theory]
    [InlineData(TransferSyntax.ExplicitVrLittleEndianUid, 0, true)]
    [InlineData(TransferSyntax.RleLosslessUid, 0, true)]
    [InlineData(TransferSyntax.RleLosslessUid, 0, false)]
    [InlineData(TransferSyntax.RleLosslessUid, 100, true)]
    [InlineData(TransferSyntax.RleLosslessUid, 100, false)]
    public void MultiFrameFilesDecodeEachFrame(string syntax, int fragmentSize, bool offsetTable)
    {
        const int frames = 3;
        var frameValues = Enumerable.Range(0, frames).Select(f => ChestPhantom.Generate(12, 10, 4095, seed: 30 + f)).ToArray();
        var (ds, _) = SampleDatasets.Create(new SampleSpec(12, 10));
        ds.AddInteger(DicomTag.NumberOfFrames, frames).AddNativePixels(frameValues.SelectMany(v => v).ToArray(), 16);
        var options = new DicomWriterOptions { Encoder = syntax == TransferSyntax.RleLosslessUid ? new RleEncoder() : null, FragmentSize = fragmentSize, BasicOffsetTable = offsetTable };
        var file = new DicomReader().Parse(DicomWriter.Write(ds, syntax, options), "multi.dcm");

        for (int f = 0; f < frames; f++)
        {
            Assert.Equal(frameValues[f], PixelDataDecoder.Default.DecodeStoredFrame(file, f).Values);
        }

        // A radiograph is frame 1, and the frame count is kept in the metadata.
        var radiograph = new DicomRadiographReader().ToRadiograph(file);
        Assert.Equal(frameValues[0], radiograph.StoredPixels);
        Assert.Equal(frames, radiograph.Metadata.NumberOfFrames);
    }

    [Theory]
    [InlineData(TransferSyntax.ImplicitVrLittleEndianUid)]
    [InlineData(TransferSyntax.ExplicitVrLittleEndianUid)]
    [InlineData(TransferSyntax.ExplicitVrBigEndianUid)]
    public void BareDatasetsWithoutPreambleAreDetected(string syntax)
    {
        var (ds, stored) = SampleDatasets.Create(new SampleSpec(9, 7));
        ds.Remove(DicomTag.SpecificCharacterSet); // bare datasets usually start at group 0008 anyway
        var file = new DicomReader().Parse(DicomWriter.Write(ds, syntax, new DicomWriterOptions { Preamble = false }), "bare");

        Assert.False(file.HadPreamble);
        Assert.Equal(syntax, file.TransferSyntax.Uid);
        Assert.Equal(stored, PixelDataDecoder.Default.DecodeStoredFrame(file).Values);
    }

    [Fact]
    public void UnknownTransferSyntaxIsNamedInTheError()
    {
        var bytes = DicomWriter.Write(SampleDatasets.Create(new SampleSpec(4, 4)).Dataset, TransferSyntax.ExplicitVrLittleEndianUid);
        var patched = Encoding.Latin1.GetString(bytes).Replace("1.2.840.10008.1.2.1\0", "1.2.840.10008.1.2.9\0");

        var error = Assert.Throws<UnsupportedTransferSyntaxException>(() => new DicomReader().Parse(Encoding.Latin1.GetBytes(patched), "x.dcm"));
        Assert.Equal("1.2.840.10008.1.2.9", error.TransferSyntaxUid);
        Assert.Contains("x.dcm", error.Message);
        Assert.Contains("1.2.840.10008.1.2.9", error.Message);
    }

    /// <summary>Issue 17: a deflated dataset that inflates to 1 GB is refused having allocated almost nothing.</summary>
    [Fact]
    public void ADeflateBombIsRefusedBeforeItsOutputIsAllocated()
    {
        var sample = DicomWriter.Write(SampleDatasets.Create(new SampleSpec(64, 64)).Dataset, TransferSyntax.DeflatedExplicitVrLittleEndianUid);
        int groupLength = BitConverter.ToInt32(sample, 132 + 8); // (0002,0000) UL right after "DICM": tag 4, VR 2, length 2
        int bodyStart = 132 + 12 + groupLength;
        using var bomb = new MemoryStream();
        bomb.Write(sample, 0, bodyStart);
        using (var deflate = new System.IO.Compression.DeflateStream(bomb, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 1024; i++)
            {
                deflate.Write(zeros); // 1 GB of zeros: about a megabyte compressed
            }
        }

        byte[] file = bomb.ToArray();
        Assert.True(new DicomReader().Parse(sample, "sample.dcm").Dataset.Contains(DicomTag.PixelData)); // the prefix is a real deflated file's
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<DicomException>(() => new DicomReader().Parse(file, "bomb.dcm"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("limit", error.Message);
        Assert.True(allocated < 8L << 20, $"allocated {allocated} bytes while refusing the bomb");
    }

    [Fact]
    public void LengthLargerThanTheFileIsRejectedBeforeAllocating()
    {
        var bytes = DicomWriter.Write(SampleDatasets.Create(new SampleSpec(64, 64)).Dataset, TransferSyntax.ExplicitVrLittleEndianUid);
        int pixelTag = IndexOfPixelDataHeader(bytes);
        BitConverter.GetBytes(0xFFFFFFF0u).CopyTo(bytes, pixelTag + 8); // OW: tag(4) VR(2) reserved(2) length(4)

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<DicomException>(() => new DicomReader().Parse(bytes, "huge.dcm"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("exceeds", error.Message);
        Assert.Equal(DicomTag.PixelData, error.Tag);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes while rejecting");
    }

    [Fact]
    public void TruncatedPixelDataNamesTheShortfall()
    {
        var bytes = DicomWriter.Write(SampleDatasets.Create(new SampleSpec(64, 64)).Dataset, TransferSyntax.ExplicitVrLittleEndianUid);
        int pixelTag = IndexOfPixelDataHeader(bytes);
        BitConverter.GetBytes(100u).CopyTo(bytes, pixelTag + 8);
        var file = new DicomReader().Parse(bytes[..(pixelTag + 12 + 100)], "short.dcm");

        var error = Assert.Throws<DicomException>(() => PixelDataDecoder.Default.DecodeStoredFrame(file));
        Assert.Contains("short.dcm", error.Message);
        Assert.Contains("8192", error.Message);
    }

    [Fact]
    public void NonDicomInputIsRejectedWithAReason()
    {
        var error = Assert.Throws<DicomException>(() => new DicomReader().Parse(Encoding.ASCII.GetBytes("Hello, this is plainly not DICOM at all."), "notes.txt"));
        Assert.StartsWith("notes.txt: not a DICOM file", error.Message);
    }

    [Fact]
    public void MetadataAndLutsReachTheRadiograph()
    {
        var (ds, _) = SampleDatasets.Create(new SampleSpec(8, 8, Photometric: "MONOCHROME1"));
        ds.AddDecimal(DicomTag.RescaleSlope, -1).AddDecimal(DicomTag.RescaleIntercept, 4095)
          .AddDecimal(DicomTag.WindowCenter, 1000, 2000).AddDecimal(DicomTag.WindowWidth, 500, 800)
          .AddString(DicomTag.VoiLutFunction, "CS", "SIGMOID")
          .AddDecimal(DicomTag.PixelSpacing, 0.139, 0.14)
          .AddString(DicomTag.PresentationIntentType, "CS", "FOR PRESENTATION");
        var radiograph = new DicomRadiographReader().ToRadiograph(new DicomReader().Parse(DicomWriter.Write(ds, TransferSyntax.ExplicitVrLittleEndianUid), "m.dcm"));

        Assert.Equal(new RescaleModalityLut(-1, 4095), radiograph.ModalityLut);
        Assert.Equal(new WindowVoi(1000, 500, VoiLutFunction.Sigmoid), radiograph.Voi);
        Assert.True(radiograph.Layout.IsMonochrome1);
        var m = radiograph.Metadata;
        Assert.Equal(("F", "042Y", "19840101", "CR", "CHEST", "PA"), (m.PatientSex, m.PatientAge, m.PatientBirthDate, m.Modality, m.BodyPartExamined, m.ViewPosition));
        Assert.Equal(("TbScreen Phantom", "ChestPhantom v1", "Synthetic Hospital"), (m.Manufacturer, m.ManufacturerModelName, m.InstitutionName));
        Assert.Equal(("FOR PRESENTATION", "1.2.840.10008.5.1.4.1.1.1"), (m.PresentationIntentType, m.SopClassUid));
        Assert.Equal((0.139, 0.14), m.PixelSpacingMm);
        Assert.EndsWith(".1", m.StudyInstanceUid);
        Assert.EndsWith(".2", m.SeriesInstanceUid);
        Assert.EndsWith(".3", m.SopInstanceUid);
    }

    /// <summary>
    /// Pixel Padding Value and Range Limit are US or SS by Pixel Representation (PS3.3 C.7.5.1.1.2); an implicit VR
    /// file gives no VR, so a signed value arrives as its unsigned 16-bit pattern and must be read back as signed.
    /// </summary>
    [Theory]
    [InlineData(TransferSyntax.ExplicitVrLittleEndianUid)]
    [InlineData(TransferSyntax.ImplicitVrLittleEndianUid)]
    [InlineData(TransferSyntax.ExplicitVrBigEndianUid)]
    public void PixelPaddingIsReadAsStoredValues(string syntax)
    {
        var (unsigned, _) = SampleDatasets.Create(new SampleSpec(8, 8));
        unsigned.AddUInt16(DicomTag.PixelPaddingValue, 4095).AddUInt16(DicomTag.PixelPaddingRangeLimit, 4000);
        var (signed, _) = SampleDatasets.Create(new SampleSpec(8, 8, Signed: true));
        signed.AddBytes(DicomTag.PixelPaddingValue, "SS", [0x30, 0xF8]); // -2000 little endian
        var (plain, _) = SampleDatasets.Create(new SampleSpec(8, 8));

        Radiograph Read(DicomDataset ds) => new DicomRadiographReader().ToRadiograph(new DicomReader().Parse(DicomWriter.Write(ds, syntax), "p.dcm"));

        Assert.Equal(new PixelPadding(4000, 4095), Read(unsigned).Padding);
        Assert.Equal(new PixelPadding(-2000, -2000), Read(signed).Padding);
        Assert.Null(Read(plain).Padding);
    }

    [Fact]
    public void ModalityAndVoiLutSequencesAreRead()
    {
        var (ds, _) = SampleDatasets.Create(new SampleSpec(8, 8));
        var modalityTable = new DicomDataset().AddUInt16(DicomTag.LutDescriptor, 4, 10, 16).AddBytes(DicomTag.LutData, "OW", [0, 0, 100, 0, 200, 0, 44, 1]);
        var voiTable = new DicomDataset().AddUInt16(DicomTag.LutDescriptor, 2, 0, 8).AddBytes(DicomTag.LutData, "OW", [0, 0, 255, 0]);
        ds.AddSequence(DicomTag.ModalityLutSequence, modalityTable).AddSequence(DicomTag.VoiLutSequence, voiTable);

        foreach (var syntax in new[] { TransferSyntax.ExplicitVrLittleEndianUid, TransferSyntax.ImplicitVrLittleEndianUid, TransferSyntax.ExplicitVrBigEndianUid })
        {
            var radiograph = new DicomRadiographReader().ToRadiograph(new DicomReader().Parse(DicomWriter.Write(ds, syntax), "lut.dcm"));
            var modality = Assert.IsType<TableModalityLut>(radiograph.ModalityLut);
            Assert.Equal((10, 16), (modality.Table.FirstMappedValue, modality.Table.BitsPerEntry));
            Assert.Equal(new[] { 0, 100, 200, 300 }, modality.Table.Entries);
            Assert.Equal(200, modality.Apply(12));
            Assert.Equal(300, modality.Apply(5000));
            var voi = Assert.IsType<TableVoi>(radiograph.Voi);
            Assert.Equal(new[] { 0, 255 }, voi.Table.Entries);
        }
    }

    [Fact]
    public void DeidentifiedSummaryHoldsNoIdentifiers()
    {
        var file = new DicomReader().Parse(DicomWriter.Write(SampleDatasets.Create(new SampleSpec(8, 8, Seed: 77)).Dataset, TransferSyntax.ExplicitVrLittleEndianUid), "id.dcm");
        string summary = DicomMetadata.DeidentifiedSummary(file);

        Assert.Contains("modality=CR", summary);
        Assert.Contains("sex=F", summary);
        Assert.DoesNotContain("Phantom^Synthetic", summary);
        Assert.DoesNotContain("PHANTOM-77", summary);
        Assert.DoesNotContain("19840101", summary);
        Assert.DoesNotContain("1.2.826.0.1.3680043.10.1386.77", summary);
    }

    private static int IndexOfPixelDataHeader(byte[] bytes)
    {
        for (int i = bytes.Length - 12; i >= 0; i--)
        {
            if (bytes[i] == 0xE0 && bytes[i + 1] == 0x7F && bytes[i + 2] == 0x10 && bytes[i + 3] == 0x00)
            {
                return i;
            }
        }

        throw new InvalidOperationException("no pixel data");
    }
}
