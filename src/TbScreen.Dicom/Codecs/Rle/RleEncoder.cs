using System.Buffers.Binary;

namespace TbScreen.Dicom.Codecs.Rle;

/// <summary>RLE Lossless encoder; each row is packed separately, as PS3.5 G.3.1 requires.</summary>
public sealed class RleEncoder : IFrameEncoder
{
    public string TransferSyntaxUid => TransferSyntax.RleLosslessUid;

    public byte[] Encode(ReadOnlySpan<int> samples, FrameInfo info)
    {
        int bytesPerSample = info.BitsAllocated / 8;
        int segmentCount = info.SamplesPerPixel * bytesPerSample;
        if (bytesPerSample is < 1 or > 4 || segmentCount > 15)
        {
            throw new ArgumentException($"RLE cannot encode {info.SamplesPerPixel} samples of {info.BitsAllocated} bits.");
        }

        using var output = new MemoryStream();
        output.Write(new byte[64]);
        var offsets = new uint[segmentCount];
        var row = new byte[info.Columns];
        for (int segment = 0; segment < segmentCount; segment++)
        {
            offsets[segment] = (uint)output.Length;
            int sample = segment / bytesPerSample;
            int shift = 8 * (bytesPerSample - 1 - segment % bytesPerSample);
            for (int r = 0; r < info.Rows; r++)
            {
                for (int c = 0; c < info.Columns; c++)
                {
                    row[c] = (byte)(samples[(r * info.Columns + c) * info.SamplesPerPixel + sample] >> shift);
                }

                PackRow(row, output);
            }

            if (output.Length % 2 == 1)
            {
                output.WriteByte(0x80); // no-op pad keeps segments even-aligned
            }
        }

        var bytes = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)segmentCount);
        for (int i = 0; i < segmentCount; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 + 4 * i), offsets[i]);
        }

        return bytes;
    }

    private static void PackRow(ReadOnlySpan<byte> row, Stream output)
    {
        int i = 0;
        while (i < row.Length)
        {
            int run = 1;
            while (i + run < row.Length && run < 128 && row[i + run] == row[i])
            {
                run++;
            }

            if (run >= 2)
            {
                output.WriteByte((byte)(sbyte)(1 - run));
                output.WriteByte(row[i]);
                i += run;
                continue;
            }

            int literal = 1;
            while (i + literal < row.Length && literal < 128
                   && !(i + literal + 1 < row.Length && row[i + literal] == row[i + literal + 1]))
            {
                literal++;
            }

            output.WriteByte((byte)(literal - 1));
            output.Write(row.Slice(i, literal));
            i += literal;
        }
    }
}
