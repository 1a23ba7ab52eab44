using System.Text.Encodings.Web;
using System.Text.Json;
using TbScreen.Screening.Jobs;

namespace TbScreen.Cli.Batch;

/// <summary>
/// A JSON array of row objects (keys = <see cref="BatchRow.Columns"/>), streamed: each object is flushed as it is
/// written, and the closing bracket comes with <see cref="Complete"/>. A killed run leaves an unterminated array,
/// which the resumed run rewrites whole.
/// </summary>
public sealed class JsonResultWriter : IResultWriter
{
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _writer;

    public JsonResultWriter(Stream stream)
    {
        _stream = stream;
        _writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            // A results file, never embedded in HTML: keep <, > and + readable instead of \u003C escapes.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        _writer.WriteStartArray();
        _writer.Flush();
    }

    public void Write(BatchRow row)
    {
        _writer.WriteStartObject();
        _writer.WriteString("path", row.Path);
        _writer.WriteString("sopInstanceUid", row.SopInstanceUid);
        _writer.WriteString("status", row.Status);
        _writer.WriteString("error", row.Error);
        Number("alexnetProb", row.AlexNetProb);
        Number("googlenetProb", row.GoogLeNetProb);
        Number("ensembleProb", row.EnsembleProb);
        _writer.WriteString("decision", row.Decision);
        _writer.WriteString("flag", row.Flag);
        _writer.WriteString("flagReason", row.FlagReason);
        _writer.WriteString("modelVersion", row.ModelVersion);
        _writer.WriteNumber("seconds", OutputNumbers.Seconds(row.Seconds));
        _writer.WriteString("decidedBy", row.DecidedBy);
        Number("threshold", row.Threshold);
        _writer.WriteStartObject("otherMembers");
        foreach (var member in row.OtherMembers)
        {
            _writer.WriteNumber(member.Key, OutputNumbers.Probability(member.Value));
        }

        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.Flush();
        _stream.Flush();
    }

    public void Complete()
    {
        _writer.WriteEndArray();
        _writer.Flush();
        _stream.Write("\n"u8);
        _stream.Flush();
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }

    private void Number(string name, double? value)
    {
        if (value is { } v)
        {
            _writer.WriteNumber(name, OutputNumbers.Probability(v));
        }
        else
        {
            _writer.WriteNull(name);
        }
    }
}
