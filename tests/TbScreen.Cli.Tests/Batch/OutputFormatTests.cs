using System.Text;
using TbScreen.Cli.Batch;
using TbScreen.Dicom;
using TbScreen.Screening.Jobs;

namespace TbScreen.Cli.Tests.Batch;

public sealed class OutputFormatTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("", "")]
    public void Csv_fields_are_quoted_only_when_rfc_4180_requires_it(string field, string written) =>
        Assert.Equal(written, CsvResultWriter.Quote(field));

    [Fact]
    public void A_row_with_every_awkward_character_reads_back_field_for_field()
    {
        var row = new BatchRow { Path = "/a,b/\"c\".dcm", Status = "invalid-dicom", Error = "line 1\r\nline 2, \"quoted\"", Seconds = 0.1234 };
        using var stream = new MemoryStream();
        using (var writer = new CsvResultWriter(stream))
        {
            writer.Write(row);
            writer.Complete();
        }

        var table = CsvTable.Parse(Encoding.UTF8.GetString(stream.ToArray()));
        Assert.Equal(BatchRow.Columns, table[0]);
        Assert.Equal(CsvResultWriter.Fields(row), table[1]);
        Assert.Equal("0.123", table[1][BatchRow.Columns.ToList().IndexOf("seconds")]);
    }

    [Fact]
    public void A_third_members_probability_reaches_every_output_format()
    {
        var outcome = new TbScreen.Screening.ScreeningOutcome
        {
            Source = "x.dcm", Status = TbScreen.Screening.ScreeningStatus.Ok, ModelVersion = "v", AlexNetProbability = 0.1, GoogLeNetProbability = 0.2,
            EnsembleProbability = 0.4, Decision = "not-tb", Flag = "none", FlagReason = "r",
            MemberProbabilities = new Dictionary<string, double> { ["alexnet"] = 0.1, ["googlenet"] = 0.2, ["resnet18"] = 0.9000004 },
        };
        var row = BatchRow.From(outcome, "x.dcm");

        Assert.Contains("googlenet=0.2000 resnet18=0.9000 ensemble=0.4000", ConsoleResultWriter.FormatLine(row));
        Assert.Equal("resnet18=0.9", CsvResultWriter.Fields(row).Last());
        using var stream = new MemoryStream();
        using (var writer = new JsonResultWriter(stream))
        {
            writer.Write(row);
            writer.Complete();
        }

        var json = System.Text.Json.JsonDocument.Parse(stream.ToArray()).RootElement[0];
        Assert.Equal(0.9, json.GetProperty("otherMembers").GetProperty("resnet18").GetDouble());
        Assert.Equal(string.Empty, BatchRow.From(outcome with { MemberProbabilities = new Dictionary<string, double> { ["alexnet"] = 0.1, ["googlenet"] = 0.2 } }, "x").OtherMembersText);
    }

    [Fact]
    public void The_sniffer_knows_part_10_files_bare_datasets_and_nothing_else()
    {
        byte[] part10 = BatchFolder.Dicom(51);
        Assert.True(DicomSniffer.IsDicom(part10.AsSpan(0, DicomSniffer.HeadLength), part10.Length));
        byte[] bare = part10[(128 + 4)..]; // file meta without the preamble is a plausible bare dataset (group 0002)
        Assert.True(DicomSniffer.IsDicom(bare.AsSpan(0, DicomSniffer.HeadLength), bare.Length));
        byte[] text = Encoding.ASCII.GetBytes(new string('x', 200));
        Assert.False(DicomSniffer.IsDicom(text, text.Length));
        Assert.False(DicomSniffer.IsDicom([], 0));
    }
}
