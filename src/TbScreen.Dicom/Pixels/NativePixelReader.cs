namespace TbScreen.Dicom.Pixels;

/// <summary>Reads one frame of uncompressed (native) pixel data into raw cell values.</summary>
internal static class NativePixelReader
{
    /// <summary>
    /// Returns the raw cell values of <paramref name="frameIndex"/> in stored order (planar data stays planar).
    /// The length is checked before anything is allocated.
    /// </summary>
    public static int[] ReadFrame(ReadOnlySpan<byte> data, PixelDescription pixels, int frameIndex, bool bigEndian, bool wordSwappedBytes)
    {
        long samples = pixels.SamplesPerFrame;
        long frameBits = samples * pixels.BitsAllocated;
        long startBit = frameBits * frameIndex;
        long neededBytes = (startBit + frameBits + 7) / 8;
        if (data.Length < neededBytes)
        {
            throw new DicomException(
                $"pixel data holds {data.Length} bytes but frame {frameIndex + 1} needs {neededBytes}", tag: DicomTag.PixelData);
        }

        var values = new int[samples];
        switch (pixels.BitsAllocated)
        {
            case 1:
                for (long i = 0; i < samples; i++)
                {
                    long bit = startBit + i;
                    values[i] = (data[(int)(bit >> 3)] >> (int)(bit & 7)) & 1;
                }

                break;
            case 8:
                int offset8 = (int)(startBit / 8);
                for (int i = 0; i < values.Length; i++)
                {
                    // Big endian OW holding 8-bit samples swaps each byte pair.
                    int index = offset8 + i;
                    values[i] = data[wordSwappedBytes ? index ^ 1 : index];
                }

                break;
            case 16:
                var words = data.Slice((int)(startBit / 8), (int)(samples * 2));
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = bigEndian ? (words[2 * i] << 8) | words[2 * i + 1] : words[2 * i] | (words[2 * i + 1] << 8);
                }

                break;
            case 32:
                var dwords = data.Slice((int)(startBit / 8), (int)(samples * 4));
                for (int i = 0; i < values.Length; i++)
                {
                    var cell = dwords.Slice(4 * i, 4);
                    values[i] = bigEndian
                        ? (cell[0] << 24) | (cell[1] << 16) | (cell[2] << 8) | cell[3]
                        : cell[0] | (cell[1] << 8) | (cell[2] << 16) | (cell[3] << 24);
                }

                break;
        }

        return values;
    }
}
