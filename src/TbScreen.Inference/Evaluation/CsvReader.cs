using System.Text;

namespace TbScreen.Inference.Evaluation;

/// <summary>RFC 4180 CSV: quoted fields, doubled quotes, commas and line breaks inside quotes, CRLF or LF.</summary>
public static class CsvReader
{
    public static IEnumerable<string[]> ReadRows(TextReader reader) => ReadRecords(reader).Select(r => r.Fields);

    /// <summary>The records with the line each begins on (1-based), so errors can name it; blank lines are skipped.</summary>
    public static IEnumerable<CsvRecord> ReadRecords(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, any = false;
        int line = 1, recordLine = 1, quoteLine = 1;
        int c;
        while ((c = reader.Read()) != -1)
        {
            char ch = (char)c;
            if (!any)
            {
                recordLine = line;
            }

            any = true;
            if (ch == '\r' && reader.Peek() == '\n')
            {
                reader.Read(); // CRLF is one line break, inside quotes or out
                ch = '\n';
            }

            if (ch is '\n' or '\r')
            {
                line++;
            }

            if (quoted)
            {
                if (ch != '"')
                {
                    field.Append(ch);
                }
                else if (reader.Peek() == '"')
                {
                    field.Append('"');
                    reader.Read();
                }
                else
                {
                    quoted = false;
                }
            }
            else if (ch == '"')
            {
                quoted = true;
                quoteLine = line;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch is '\n' or '\r')
            {
                fields.Add(field.ToString());
                field.Clear();
                if (fields.Count > 1 || fields[0].Length > 0)
                {
                    yield return new CsvRecord(recordLine, fields.ToArray());
                }

                fields.Clear();
                any = false;
            }
            else
            {
                field.Append(ch);
            }
        }

        if (quoted)
        {
            throw new InvalidDataException($"the quoted field that opens on line {quoteLine} never closes");
        }

        if (any)
        {
            fields.Add(field.ToString());
            yield return new CsvRecord(recordLine, fields.ToArray());
        }
    }

    /// <summary>Quotes a field when it holds a comma, quote or line break.</summary>
    public static string Escape(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";

    /// <summary>The fields of one line (a record without embedded line breaks).</summary>
    public static List<string> SplitLine(string line) => ReadRows(new StringReader(line)).FirstOrDefault()?.ToList() ?? [string.Empty];
}

/// <summary>One CSV record and the line it begins on.</summary>
public sealed record CsvRecord(int Line, string[] Fields);
