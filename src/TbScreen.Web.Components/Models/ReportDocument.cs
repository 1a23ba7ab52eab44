using System.Globalization;
using System.Text.Json;

namespace TbScreen.Web.Components.Models;

/// <summary>
/// The report contract: <c>{ "summary"?: string | object, "tables": [ { "title", "columns": [..], "rows": [[..]] } ] }</c>.
/// Cells are strings, numbers, booleans or null; numbers are shown with at most four decimals.
/// </summary>
public sealed record ReportDocument(IReadOnlyList<ReportTable> Tables, string? Summary = null, IReadOnlyList<KeyValuePair<string, string>>? SummaryFields = null)
{
    /// <summary>Parses the contract; a document that breaks it throws <see cref="ReportFormatException"/> with the reason.</summary>
    public static ReportDocument Parse(JsonElement root, string source = "report")
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ReportFormatException(source, $"the document is a JSON {root.ValueKind}, not an object");
        }

        if (!root.TryGetProperty("tables", out var tables) || tables.ValueKind != JsonValueKind.Array)
        {
            throw new ReportFormatException(source, "it has no \"tables\" array");
        }

        var parsed = new List<ReportTable>();
        int index = 0;
        foreach (var table in tables.EnumerateArray())
        {
            parsed.Add(ParseTable(table, $"tables[{index++}]", source));
        }

        string? summary = null;
        List<KeyValuePair<string, string>>? fields = null;
        if (root.TryGetProperty("summary", out var s))
        {
            if (s.ValueKind == JsonValueKind.Object)
            {
                fields = s.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, Cell(p.Value))).ToList();
            }
            else if (s.ValueKind != JsonValueKind.Null)
            {
                summary = Cell(s);
            }
        }

        return new ReportDocument(parsed, summary, fields);
    }

    public static ReportDocument Parse(string json, string source = "report")
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement, source);
        }
        catch (JsonException ex)
        {
            throw new ReportFormatException(source, $"it is not valid JSON ({ex.Message})", ex);
        }
    }

    private static ReportTable ParseTable(JsonElement table, string where, string source)
    {
        if (table.ValueKind != JsonValueKind.Object)
        {
            throw new ReportFormatException(source, $"{where} is not an object");
        }

        string title = table.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        if (!table.TryGetProperty("columns", out var columns) || columns.ValueKind != JsonValueKind.Array)
        {
            throw new ReportFormatException(source, $"{where} has no \"columns\" array");
        }

        var names = columns.EnumerateArray().Select(Cell).ToList();
        var rows = new List<IReadOnlyList<string>>();
        if (table.TryGetProperty("rows", out var rowArray))
        {
            if (rowArray.ValueKind != JsonValueKind.Array)
            {
                throw new ReportFormatException(source, $"{where}.rows is not an array");
            }

            int r = 0;
            foreach (var row in rowArray.EnumerateArray())
            {
                if (row.ValueKind != JsonValueKind.Array)
                {
                    throw new ReportFormatException(source, $"{where}.rows[{r}] is not an array");
                }

                var cells = row.EnumerateArray().Select(Cell).ToList();
                if (cells.Count != names.Count)
                {
                    throw new ReportFormatException(source, $"{where}.rows[{r}] has {cells.Count} cells for {names.Count} columns");
                }

                rows.Add(cells);
                r++;
            }
        }

        return new ReportTable(title, names, rows);
    }

    private static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number when value.TryGetInt64(out long whole) => whole.ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Number => value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture),
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Null or JsonValueKind.Undefined => "–",
        _ => value.GetRawText(),
    };
}

public sealed record ReportTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A report document that breaks the contract: names the source and the reason.</summary>
public sealed class ReportFormatException(string source, string reason, Exception? inner = null)
    : Exception($"{source}: not a report document: {reason}", inner)
{
    public string ReportSource { get; } = source;
    public string Reason { get; } = reason;
}
