using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Tests.Fixtures;

/// <summary><see cref="DicomReader.ParseDataset"/>: a data set without file meta, in a syntax known from elsewhere (a network association).</summary>
public sealed class BareDatasetParseTests
{
    [Theory]
    [InlineData(TransferSyntax.ImplicitVrLittleEndianUid)]
    [InlineData(TransferSyntax.ExplicitVrLittleEndianUid)]
    [InlineData(TransferSyntax.ExplicitVrBigEndianUid)]
    [InlineData(TransferSyntax.DeflatedExplicitVrLittleEndianUid)]
    public void A_bare_data_set_parses_in_the_syntax_it_is_given(string transferSyntaxUid)
    {
        var (dataset, stored) = SampleDatasets.Create(new SampleSpec(Rows: 8, Columns: 8, Seed: 5));
        byte[] bare = DicomWriter.Write(dataset, transferSyntaxUid, new DicomWriterOptions { Preamble = false });

        var file = new DicomReader().ParseDataset(bare, TransferSyntax.Lookup(transferSyntaxUid), "association");

        Assert.Equal(transferSyntaxUid, file.TransferSyntax.Uid);
        Assert.False(file.HadPreamble);
        Assert.Equal(0, file.FileMeta.Count);
        Assert.Equal(dataset.GetString(DicomTag.SopInstanceUid), file.Dataset.GetString(DicomTag.SopInstanceUid));
        Assert.Equal(8, file.Dataset.GetInt(DicomTag.Rows));
        Assert.Equal(stored.Length * 2, file.Dataset[DicomTag.PixelData]!.Value.Length);
    }

    [Fact]
    public void A_broken_bare_data_set_raises_DicomException_naming_the_source()
    {
        byte[] broken = [0x08, 0x00, 0x18, 0x00, (byte)'U', (byte)'I', 0xFF, 0x7F, 1, 2];

        var error = Assert.Throws<DicomException>(() => new DicomReader().ParseDataset(broken, TransferSyntax.ExplicitVrLittleEndian, "association"));

        Assert.Equal("association", error.FilePath);
    }
}
