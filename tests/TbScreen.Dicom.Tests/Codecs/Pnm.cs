using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using TbScreen.Dicom.Codecs;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>Binary PGM (grey) and PPM (RGB, interleaved) at Bits Stored precision: what reference codec tools read and write.</summary>
internal static class Pnm
{
    public static byte[] Write(ReadOnlySpan<int> samples, FrameInfo info)
    {
        Assert.True(info.SamplesPerPixel is 1 or 3 && info.PlanarConfiguration == 0, "PNM holds grey or interleaved RGB");
        int maxValue = (1 << info.BitsStored) - 1;
        byte[] header = Encoding.ASCII.GetBytes($"{(info.SamplesPerPixel == 1 ? "P5" : "P6")}\n{info.Columns} {info.Rows}\n{maxValue}\n");
        int width = maxValue > 255 ? 2 : 1;
        var bytes = new byte[header.Length + (samples.Length * width)];
        header.CopyTo(bytes, 0);
        for (int i = 0; i < samples.Length; i++)
        {
            if (width == 2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(header.Length + (i * 2)), (ushort)samples[i]);
            }
            else
            {
                bytes[header.Length + i] = (byte)samples[i];
            }
        }

        return bytes;
    }

    /// <summary>The samples of a P5 or P6 file, and its maximum value.</summary>
    public static (int[] Samples, int MaxValue) Read(byte[] pnm)
    {
        // Header: magic, width, height, maxval, each separated by whitespace, then one whitespace byte.
        int position = 0;
        string[] fields = new string[4];
        for (int f = 0; f < 4; f++)
        {
            while (char.IsWhiteSpace((char)pnm[position]))
            {
                position++;
            }

            int start = position;
            while (!char.IsWhiteSpace((char)pnm[position]))
            {
                position++;
            }

            fields[f] = Encoding.ASCII.GetString(pnm, start, position - start);
        }

        position++;
        Assert.Contains(fields[0], new[] { "P5", "P6" });
        int channels = fields[0] == "P6" ? 3 : 1;
        int count = int.Parse(fields[1], CultureInfo.InvariantCulture) * int.Parse(fields[2], CultureInfo.InvariantCulture) * channels;
        int maxValue = int.Parse(fields[3], CultureInfo.InvariantCulture);
        bool wide = maxValue > 255;
        var values = new int[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = wide ? BinaryPrimitives.ReadUInt16BigEndian(pnm.AsSpan(position + (i * 2))) : pnm[position + i];
        }

        return (values, maxValue);
    }
}
