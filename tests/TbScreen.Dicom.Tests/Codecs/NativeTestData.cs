using System.Buffers.Binary;
using TbScreen.Dicom.Codecs;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>
/// The team-internal DICOM files live outside the repository in ../shared/data/dicom (never
/// committed). Tests that need them fail with a clear message when the folder is absent.
/// </summary>
internal static class SharedData
{
    private static readonly Lazy<string?> Root = new(Find);

    public static string DicomDirectory =>
        Root.Value ?? throw new InvalidOperationException(
            "Shared test data missing: expected <repo>/../shared/data/dicom next to the folder holding TbScreen.sln " +
            $"(searched upwards from {AppContext.BaseDirectory}).");

    public static byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(DicomDirectory, relativePath));

    /// <summary>A refs/*.u16le.raw or *.i16le.raw reference as ints.</summary>
    public static int[] ReadReference(string relativePath, bool signed)
    {
        byte[] raw = Read(relativePath);
        var values = new int[raw.Length / 2];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = signed
                ? BinaryPrimitives.ReadInt16LittleEndian(raw.AsSpan(i * 2))
                : BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(i * 2));
        }

        return values;
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TbScreen.sln")))
            {
                string data = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "dicom"));
                return Directory.Exists(data) ? data : null;
            }
        }

        return null;
    }
}

/// <summary>
/// Pulls the single frame out of encapsulated Pixel Data without a DICOM parser (being written in
/// parallel): find (7FE0,0010) with undefined length, skip the Basic Offset Table item, then join
/// fragment items up to the sequence delimiter. The real parser's tests will supersede this.
/// </summary>
internal static class EncapsulatedFrame
{
    public static byte[] Extract(byte[] file)
    {
        // Explicit VR LE: tag, "OB", 2 reserved bytes, FFFFFFFF. Implicit VR LE: tag, FFFFFFFF.
        byte[] explicitHeader = [0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];
        byte[] implicitHeader = [0xE0, 0x7F, 0x10, 0x00, 0xFF, 0xFF, 0xFF, 0xFF];
        int at = file.AsSpan().IndexOf(explicitHeader);
        int pos = at >= 0 ? at + explicitHeader.Length : file.AsSpan().IndexOf(implicitHeader) + implicitHeader.Length;
        if (pos < implicitHeader.Length)
        {
            throw new InvalidDataException("no encapsulated Pixel Data element");
        }

        var frame = new List<byte>();
        bool first = true;
        while (true)
        {
            uint tag = (uint)(BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(pos)) << 16)
                | BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(pos + 2));
            int length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(pos + 4)));
            pos += 8;
            if (tag == 0xFFFEE0DD)
            {
                return [.. frame];
            }

            if (tag != 0xFFFEE000)
            {
                throw new InvalidDataException($"unexpected tag {tag:X8} in encapsulated Pixel Data");
            }

            if (!first)
            {
                frame.AddRange(file.AsSpan(pos, length));
            }

            first = false; // the first item is the Basic Offset Table
            pos += length;
        }
    }
}

/// <summary>Seeded synthetic frames and the masking the DICOM layer applies after decoding.</summary>
internal static class Samples
{
    public static FrameInfo Gray(int rows, int cols, int bits, bool signed) =>
        new(rows, cols, 1, bits <= 8 ? 8 : 16, bits, signed, 0, "MONOCHROME2");

    /// <summary>A smooth ramp plus noise (so codecs have real work) with the range extremes planted.</summary>
    public static int[] Synthetic(FrameInfo info, int seed)
    {
        var random = new Random(seed);
        int bits = info.BitsStored;
        int min = info.IsSigned ? -(1 << (bits - 1)) : 0;
        int max = info.IsSigned ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        double span = (double)max - min;
        var samples = new int[info.SampleCount];
        int spp = info.SamplesPerPixel;
        for (int y = 0; y < info.Rows; y++)
        {
            for (int x = 0; x < info.Columns; x++)
            {
                for (int c = 0; c < spp; c++)
                {
                    double smooth = 0.5 + 0.35 * Math.Sin((x + 7 * c) / 17.0) * Math.Cos(y / 11.0);
                    double v = min + span * smooth + random.Next(-(int)(span / 64) - 1, (int)(span / 64) + 2);
                    samples[((long)y * info.Columns + x) * spp + c] = (int)Math.Clamp(Math.Round(v), min, max);
                }
            }
        }

        samples[0] = min;
        samples[^1] = max;
        samples[samples.Length / 2] = max;
        return samples;
    }

    /// <summary>What the DICOM layer does with codec output: mask to Bits Stored, sign-extend.</summary>
    public static int[] Stored(int[] decoded, int bits, bool signed)
    {
        int mask = bits == 32 ? -1 : (1 << bits) - 1;
        int shift = 32 - bits;
        var result = new int[decoded.Length];
        for (int i = 0; i < decoded.Length; i++)
        {
            int v = decoded[i] & mask;
            result[i] = signed ? (v << shift) >> shift : v;
        }

        return result;
    }

    /// <summary>Asserts equality and reports the first differing index rather than dumping arrays.</summary>
    public static void Equal(int[] expected, int[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        int at = expected.AsSpan().SequenceEqual(actual) ? -1 : Enumerable.Range(0, expected.Length).First(i => expected[i] != actual[i]);
        Assert.True(at < 0, at < 0 ? null : $"first difference at {at}: expected {expected[at]}, got {actual[at]}");
    }
}
