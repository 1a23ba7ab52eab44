using System.Globalization;

namespace TbScreen.Audit;

/// <summary>
/// The dashboard contract: every JSON report carries `"tables": [{"title","columns","rows"}]` with preformatted
/// strings, so the auditor pages render any report without knowing its schema.
/// </summary>
public sealed record ReportTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public static ReportTable Create(string title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentNullException.ThrowIfNull(columns);
        var list = rows.ToList();
        int bad = list.FindIndex(r => r.Count != columns.Count);
        if (bad >= 0)
        {
            throw new ArgumentException($"table '{title}': row {bad + 1} has {list[bad].Count} cells for {columns.Count} columns");
        }

        return new ReportTable(title, columns, list);
    }
}

/// <summary>Formatting shared by the tables: 3 decimals, "-" for undefined, "[lo, hi]" for CIs.</summary>
public static class TableFormat
{
    public static string Number(double? value, string format = "0.000") =>
        value is double v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    public static string Ci(double[]? ci, string format = "0.000") =>
        ci is [double lo, double hi] ? $"[{Number(lo, format)}, {Number(hi, format)}]" : "-";

    public static string WithCi(double? value, double[]? ci, string format = "0.000") =>
        value is null ? "-" : ci is null ? Number(value, format) : $"{Number(value, format)} {Ci(ci, format)}";

    public static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);
}
