using System.Globalization;
using System.Text;
using TbScreen.Screening.Jobs;

namespace TbScreen.Cli.Batch;

/// <summary>
/// RFC 4180 CSV (CRLF line ends, fields quoted only when they hold a comma, quote or line break), flushed after
/// every row so the file can be followed while an archive is screened and a kill loses at most the row in flight.
/// </summary>
public sealed class CsvResultWriter : IResultWriter
{
    private readonly TextWriter _writer;

    public CsvResultWriter(Stream stream)
    {
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\r\n" };
        _writer.WriteLine(string.Join(',', BatchRow.Columns));
        _writer.Flush();
    }

    public void Write(BatchRow row)
    {
        _writer.WriteLine(string.Join(',', Fields(row).Select(Quote)));
        _writer.Flush();
    }

    public void Complete() => _writer.Flush();

    public void Dispose() => _writer.Dispose();

    /// <summary>The row's fields as text, in <see cref="BatchRow.Columns"/> order; absent values are empty.</summary>
    public static IEnumerable<string> Fields(BatchRow row) =>
    [
        row.Path, row.SopInstanceUid ?? "", row.Status, row.Error ?? "",
        Number(row.AlexNetProb), Number(row.GoogLeNetProb), Number(row.EnsembleProb),
        row.Decision ?? "", row.Flag ?? "", row.FlagReason ?? "", row.ModelVersion,
        Number(OutputNumbers.Seconds(row.Seconds)),
        row.DecidedBy ?? "", Number(row.Threshold), row.OtherMembersText,
    ];

    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Number(double? value) =>
        value is { } v ? OutputNumbers.Probability(v).ToString("R", CultureInfo.InvariantCulture) : "";
}
