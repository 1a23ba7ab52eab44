using System.Runtime.CompilerServices;

namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>
/// A DHT table prepared for decoding: codes up to <see cref="FastBits"/> long are resolved by one
/// lookup on the next bits; longer (rare) codes fall back to the canonical max-code search of
/// ITU T.81 F.2.2.3.
/// </summary>
internal sealed class HuffmanDecodingTable
{
    public const int FastBits = 10;

    // (length << 8) | symbol; 0 means "longer than FastBits or not a code".
    private readonly ushort[] _fast = new ushort[1 << FastBits];
    private readonly int[] _maxCode = new int[18];   // per length, -1 when no code of that length
    private readonly int[] _valPtr = new int[17];
    private readonly byte[] _values;

    private HuffmanDecodingTable(byte[] counts, byte[] values)
    {
        _values = values;
        int code = 0;
        int k = 0;
        for (int len = 1; len <= 16; len++)
        {
            int n = counts[len - 1];
            _valPtr[len] = k - code;
            _maxCode[len] = n == 0 ? -1 : code + n - 1;
            for (int i = 0; i < n; i++, k++, code++)
            {
                if (len <= FastBits)
                {
                    int shift = FastBits - len;
                    ushort entry = (ushort)((len << 8) | values[k]);
                    _fast.AsSpan(code << shift, 1 << shift).Fill(entry);
                }
            }

            code <<= 1;
        }

        _maxCode[17] = int.MaxValue; // sentinel
    }

    /// <summary>Parses one table from a DHT segment (16 counts then the values).</summary>
    public static HuffmanDecodingTable Parse(ReadOnlySpan<byte> segment, ref int offset)
    {
        if (offset + 16 > segment.Length)
        {
            throw new DicomException("JPEG DHT segment is truncated");
        }

        byte[] counts = segment.Slice(offset, 16).ToArray();
        offset += 16;
        int total = 0;
        long code = 0;
        for (int len = 1; len <= 16; len++)
        {
            total += counts[len - 1];
            code = (code + counts[len - 1]) << 1;
            // A length-len code space holds 2^len codes; exceeding it means the table is not prefix-free.
            if ((code >> 1) > (1L << len))
            {
                throw new DicomException("JPEG Huffman table has more codes than fit");
            }
        }

        if (total > 256 || offset + total > segment.Length)
        {
            throw new DicomException("JPEG DHT segment is truncated or has too many codes");
        }

        byte[] values = segment.Slice(offset, total).ToArray();
        offset += total;
        return new HuffmanDecodingTable(counts, values);
    }

    /// <summary>Decodes one symbol; the reader must hold at least 16 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(ref JpegBitReader reader)
    {
        int peek = reader.Peek16();
        int entry = _fast[peek >> (16 - FastBits)];
        if (entry != 0)
        {
            reader.Skip(entry >> 8);
            return entry & 0xFF;
        }

        return DecodeSlow(ref reader, peek);
    }

    private int DecodeSlow(ref JpegBitReader reader, int peek)
    {
        int len = FastBits + 1;
        int code = peek >> (16 - len);
        while (code > _maxCode[len])
        {
            len++;
            if (len > 16)
            {
                throw new DicomException("JPEG data holds an invalid Huffman code");
            }

            code = peek >> (16 - len);
        }

        int index = _valPtr[len] + code;
        if ((uint)index >= (uint)_values.Length)
        {
            throw new DicomException("JPEG data holds an invalid Huffman code");
        }

        reader.Skip(len);
        return _values[index];
    }
}
