using TbScreen.Inference.Datasets;
using TbScreen.Inference.Evaluation;
using TbScreen.Inference.Tests.TestModels;

namespace TbScreen.Inference.Tests.Evaluation;

public sealed class CsvReaderTests
{
    [Fact]
    public void Records_carry_the_line_they_begin_on_across_quoted_breaks_CRLF_and_blank_lines()
    {
        const string text = "file,note\r\na.png,\"two\r\nlines\"\r\n\r\nb.png,\"say \"\"hi\"\"\"\nc.png,";

        var records = CsvReader.ReadRecords(new StringReader(text)).ToList();

        Assert.Equal([1, 2, 5, 6], records.Select(r => r.Line));
        Assert.Equal(["a.png", "two\nlines"], records[1].Fields);
        Assert.Equal(["b.png", "say \"hi\""], records[2].Fields);
        Assert.Equal(["c.png", ""], records[3].Fields);
    }

    [Fact]
    public void A_quote_that_never_closes_names_its_line_and_the_manifest()
    {
        Assert.Equal(
            "the quoted field that opens on line 3 never closes",
            Assert.Throws<InvalidDataException>(() => CsvReader.ReadRecords(new StringReader("a,b\n1,2\n3,\"4\n5,6\n")).ToList()).Message);

        string manifest = Path.Combine(TestBundles.TempDirectory(), "m.csv");
        File.WriteAllText(manifest, "file,label,finding_labels\na.png,1,\"open\n");
        var e = Assert.Throws<DatasetException>(() => ManifestTable.Read(manifest));
        Assert.Equal($"{manifest}: not a readable CSV: the quoted field that opens on line 2 never closes", e.Message);
    }
}
