using System.Buffers.Binary;

namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>Marker and segment scanning helpers for JPEG codestreams.</summary>
internal static class JpegSegments
{
    /// <summary>
    /// Index of the code byte of the next marker at or after <paramref name="start"/>, skipping
    /// stuffed FF 00 pairs and FF fill bytes; -1 when the data ends first.
    /// </summary>
    public static int FindMarker(ReadOnlySpan<byte> data, int start)
    {
        int p = start;
        while (p < data.Length)
        {
            int ff = data.Slice(p).IndexOf((byte)0xFF);
            if (ff < 0)
            {
                return -1;
            }

            int q = p + ff + 1;
            while (q < data.Length && data[q] == 0xFF)
            {
                q++;
            }

            if (q >= data.Length)
            {
                return -1;
            }

            if (data[q] != 0x00)
            {
                return q;
            }

            p = q + 1;
        }

        return -1;
    }

    /// <summary>Reads a marker segment's body (after its 2-byte length) and advances past it.</summary>
    public static ReadOnlySpan<byte> ReadSegment(ReadOnlySpan<byte> data, ref int pos, string name)
    {
        if (pos + 2 > data.Length)
        {
            throw new DicomException($"JPEG {name} segment is truncated");
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos));
        if (length < 2 || pos + length > data.Length)
        {
            throw new DicomException($"JPEG {name} segment is truncated");
        }

        ReadOnlySpan<byte> body = data.Slice(pos + 2, length - 2);
        pos += length;
        return body;
    }
}
