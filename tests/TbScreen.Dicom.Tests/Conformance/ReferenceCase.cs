using System.Buffers.Binary;
using TbScreen.Dicom.Tests.TestData;

namespace TbScreen.Dicom.Tests.Conformance;

/// <summary>One row of ../shared/data/dicom/refs.csv.</summary>
public sealed record ReferenceCase(
    string File,
    string TransferSyntaxUid,
    int Rows,
    int Columns,
    int Frames,
    int FramesInRef,
    int SamplesPerPixel,
    int BitsAllocated,
    int BitsStored,
    int PixelRepresentation,
    string Photometric,
    bool Lossy,
    string RefFile,
    bool RefSigned)
{
    public override string ToString() => File;

    /// <summary>
    /// Theory rows: the files of refs.csv that match. Without ../shared, one placeholder row instead, whose test then
    /// skips (or fails under CI=true) naming the folder: reading refs.csv here would fail test discovery.
    /// </summary>
    public static TheoryData<string> FileNames(Func<ReferenceCase, bool>? where = null)
    {
        var data = new TheoryData<string>();
        if (!SharedDicomData.IsPresent)
        {
            data.Add("(../shared/data/dicom missing)");
            return data;
        }

        foreach (var c in Load().Where(where ?? (_ => true)))
        {
            data.Add(c.File);
        }

        return data;
    }

    public static IReadOnlyList<ReferenceCase> Load()
    {
        var lines = System.IO.File.ReadAllLines(SharedDicomData.PathOf("refs.csv"));
        var header = SplitCsv(lines[0]);
        int Col(string name) => Array.IndexOf(header, name) is var i && i >= 0 ? i : throw new InvalidOperationException("refs.csv lacks " + name);
        return lines.Skip(1).Where(l => l.Length > 0).Select(SplitCsv).Select(f => new ReferenceCase(
            f[Col("file")],
            f[Col("transfer_syntax_uid")],
            int.Parse(f[Col("rows")]),
            int.Parse(f[Col("cols")]),
            int.Parse(f[Col("frames")]),
            int.Parse(f[Col("frames_in_ref")]),
            int.Parse(f[Col("samples_per_pixel")]),
            int.Parse(f[Col("bits_allocated")]),
            int.Parse(f[Col("bits_stored")]),
            int.Parse(f[Col("pixel_representation")]),
            f[Col("photometric_interpretation")],
            f[Col("lossy")] == "yes",
            f[Col("ref_file")],
            f[Col("ref_sample_format")] == "i16le")).ToList();
    }

    public int[] LoadReference()
    {
        var bytes = System.IO.File.ReadAllBytes(SharedDicomData.PathOf(RefFile));
        var values = new int[bytes.Length / 2];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = RefSigned
                ? BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(2 * i))
                : BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2 * i));
        }

        return values;
    }

    private static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields.ToArray();
    }
}
