namespace TbScreen.Dicom.Pixels;

/// <summary>
/// One frame of uncompressed Pixel Data as bytes, little endian: what WADO-RS frame retrieval (PS3.18 10.4.1.1.3)
/// sends as application/octet-stream.
/// </summary>
public static class NativeFrames
{
    /// <summary>Frame <paramref name="number"/> (1-based). Throws <see cref="DicomException"/> naming the reason when there is none.</summary>
    public static byte[] Frame(DicomDataset dataset, int number)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var pixelData = dataset[DicomTag.PixelData] ?? throw new DicomException("the object has no Pixel Data", tag: DicomTag.PixelData);
        if (pixelData.IsEncapsulated)
        {
            throw new DicomException("the Pixel Data is compressed; only uncompressed frames are served", tag: DicomTag.PixelData);
        }

        var pixels = PixelDescription.FromDataset(dataset);
        if (number < 1 || number > pixels.NumberOfFrames)
        {
            throw new DicomException($"frame {number} does not exist: the object has {pixels.NumberOfFrames}", tag: DicomTag.NumberOfFrames);
        }

        long frameBits = pixels.SamplesPerFrame * pixels.BitsAllocated;
        if (frameBits % 8 != 0)
        {
            throw new DicomException("1-bit frames that do not end on a byte boundary are not served", tag: DicomTag.BitsAllocated);
        }

        long frameBytes = frameBits / 8;
        long start = frameBytes * (number - 1);
        if (pixelData.Value.Length < start + frameBytes)
        {
            throw new DicomException($"the Pixel Data holds {pixelData.Value.Length} bytes but frame {number} needs {start + frameBytes}", tag: DicomTag.PixelData);
        }

        if (!(dataset.BigEndian && pixelData.Vr == "OW"))
        {
            return pixelData.Value.Slice((int)start, (int)frameBytes).ToArray();
        }

        // Big endian OW swaps each 16-bit word of the whole value, so a frame of 8-bit samples that starts on an odd
        // byte is swapped with its neighbour's byte: undo the swap over the value, then cut the frame.
        byte[] value = pixelData.Value.ToArray();
        for (int offset = 0; offset + 2 <= value.Length; offset += 2)
        {
            (value[offset], value[offset + 1]) = (value[offset + 1], value[offset]);
        }

        return value.AsSpan((int)start, (int)frameBytes).ToArray();
    }
}
