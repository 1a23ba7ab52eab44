using System.Globalization;
using TbScreen.Screening.Jobs;

namespace TbScreen.Cli.Batch;

/// <summary>
/// Without --out: the original `screen` lines on stdout, one per screened file
/// (`FILE: alexnet=… googlenet=… [other members=…] ensemble=… decision=… flag=… reason="…"`), and one stderr line per failed file.
/// </summary>
public sealed class ConsoleResultWriter(TextWriter stdout, TextWriter stderr) : IResultWriter
{
    public const string Banner = "# TbScreen: research use only, not a medical device.";

    public void Write(BatchRow row)
    {
        if (row.IsOk)
        {
            stdout.WriteLine(FormatLine(row));
        }
        else
        {
            stderr.WriteLine($"tbscreen: {row.Path}: {row.Status}: {row.Error}");
        }
    }

    public void Complete() => stdout.Flush();

    public void Dispose()
    {
    }

    public static string FormatLine(BatchRow row) =>
        $"{row.Path}: alexnet={P(row.AlexNetProb)} googlenet={P(row.GoogLeNetProb)} " +
        string.Concat(row.OtherMembers.Select(m => $"{m.Key}={P(m.Value)} ")) + $"ensemble={P(row.EnsembleProb)} " +
        $"decision={row.Decision} flag={row.Flag} reason=\"{row.FlagReason}\"" +
        (row.DecidedBy is { } by && row.DecidedBy != Screening.Sites.DecidingProfile.ShippedLabel ? $" decided-by=\"{by}\" threshold={P(row.Threshold)}" : "");

    private static string P(double? value) => value?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-";
}
