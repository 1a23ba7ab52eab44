namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>
/// A Huffman table built from symbol frequencies with the procedure of ITU T.81 Annex K.2:
/// code lengths limited to 16 bits and the all-ones code kept free.
/// </summary>
internal sealed class HuffmanEncodingTable
{
    private HuffmanEncodingTable(byte[] counts, byte[] values)
    {
        Counts = counts;
        Values = values;
        int code = 0;
        int k = 0;
        for (int len = 1; len <= 16; len++)
        {
            for (int i = 0; i < counts[len - 1]; i++, k++, code++)
            {
                Codes[values[k]] = (ushort)code;
                Lengths[values[k]] = (byte)len;
            }

            code <<= 1;
        }
    }

    /// <summary>BITS: number of codes of each length 1..16.</summary>
    public byte[] Counts { get; }

    /// <summary>HUFFVAL: symbols in order of increasing code length.</summary>
    public byte[] Values { get; }

    public ushort[] Codes { get; } = new ushort[256];

    /// <summary>Code length per symbol; 0 when the symbol has no code.</summary>
    public byte[] Lengths { get; } = new byte[256];

    public static HuffmanEncodingTable FromFrequencies(ReadOnlySpan<long> frequencies)
    {
        // Figure K.1: repeatedly merge the two least frequent entries; symbol 256 is a reserved
        // dummy with frequency 1 so no real symbol gets the all-ones code.
        var freq = new long[257];
        frequencies.CopyTo(freq);
        freq[256] = 1;
        var codeSize = new int[257];
        var others = new int[257];
        Array.Fill(others, -1);
        while (true)
        {
            int c1 = -1;
            int c2 = -1;
            for (int i = 0; i < 257; i++)
            {
                if (freq[i] == 0)
                {
                    continue;
                }

                if (c1 < 0 || freq[i] <= freq[c1])
                {
                    c2 = c1;
                    c1 = i;
                }
                else if (c2 < 0 || freq[i] <= freq[c2])
                {
                    c2 = i;
                }
            }

            if (c2 < 0)
            {
                break;
            }

            freq[c1] += freq[c2];
            freq[c2] = 0;
            codeSize[c1]++;
            while (others[c1] >= 0)
            {
                c1 = others[c1];
                codeSize[c1]++;
            }

            others[c1] = c2;
            codeSize[c2]++;
            while (others[c2] >= 0)
            {
                c2 = others[c2];
                codeSize[c2]++;
            }
        }

        var bits = new int[33];
        for (int i = 0; i < 257; i++)
        {
            if (codeSize[i] > 0)
            {
                bits[Math.Min(codeSize[i], 32)]++;
            }
        }

        // Figure K.3: shorten codes longer than 16 bits.
        for (int i = 32; i > 16; i--)
        {
            while (bits[i] > 0)
            {
                int j = i - 2;
                while (bits[j] == 0)
                {
                    j--;
                }

                bits[i] -= 2;
                bits[i - 1]++;
                bits[j + 1] += 2;
                bits[j]--;
            }
        }

        // Drop the reserved symbol's code (the longest one).
        int last = 16;
        while (bits[last] == 0)
        {
            last--;
        }

        bits[last]--;

        var values = new List<byte>();
        for (int len = 1; len <= 32; len++)
        {
            for (int s = 0; s < 256; s++)
            {
                if (codeSize[s] == len)
                {
                    values.Add((byte)s);
                }
            }
        }

        var counts = new byte[16];
        for (int len = 1; len <= 16; len++)
        {
            counts[len - 1] = (byte)bits[len];
        }

        return new HuffmanEncodingTable(counts, values.ToArray());
    }
}
