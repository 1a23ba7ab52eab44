using System.Globalization;
using System.Text;

namespace TbScreen.Web.Components.Models;

/// <summary>RFC 4180 CSV of job rows (the shown ones, for OnExportCsv hosts that build the file themselves).</summary>
public static class JobResultsCsv
{
    public static string Build(IEnumerable<JobResultRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var csv = new StringBuilder("file,status,decision,flag,ensemble,error\r\n");
        foreach (var r in rows)
        {
            csv.Append(Field(r.FileName)).Append(',').Append(Field(r.Status)).Append(',').Append(Field(r.Decision)).Append(',')
               .Append(Field(r.Flag)).Append(',').Append(r.Ensemble?.ToString("0.######", CultureInfo.InvariantCulture)).Append(',')
               .Append(Field(r.Error)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        // Spreadsheet formula injection: a leading = + - @ is neutralised with a quote character.
        string safe = value[0] is '=' or '+' or '-' or '@' ? "'" + value : value;
        return safe.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }
}
