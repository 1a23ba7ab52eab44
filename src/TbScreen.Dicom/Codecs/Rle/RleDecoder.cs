using System.Buffers.Binary;

namespace TbScreen.Dicom.Codecs.Rle;

/// <summary>
/// DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, one PackBits segment
/// per byte plane, most significant byte plane first for each sample. Output is sample-interleaved.
/// </summary>
public sealed class RleDecoder : IFrameDecoder
{
    public IReadOnlyCollection<string> TransferSyntaxUids { get; } = [TransferSyntax.RleLosslessUid];

    public int[] Decode(ReadOnlySpan<byte> frame, FrameInfo info)
    {
        if (frame.Length < 64)
        {
            throw new DicomException($"RLE frame is {frame.Length} bytes, shorter than its 64-byte header");
        }

        int bytesPerSample = info.BitsAllocated / 8;
        if (bytesPerSample is < 1 or > 4)
        {
            throw new DicomException($"RLE cannot hold Bits Allocated {info.BitsAllocated}");
        }

        int expectedSegments = info.SamplesPerPixel * bytesPerSample;
        int segmentCount = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (segmentCount != expectedSegments)
        {
            throw new DicomException($"RLE header lists {segmentCount} segments, expected {expectedSegments}");
        }

        int pixelsPerPlane = info.Rows * info.Columns;
        // PackBits cannot expand more than 64:1 (two bytes for a run of 128), so a header that claims
        // far more pixels than the data can hold is rejected before the output is allocated.
        if ((long)pixelsPerPlane * segmentCount > (long)frame.Length * 64 + 128)
        {
            throw new DicomException($"RLE frame of {frame.Length} bytes cannot hold {pixelsPerPlane} pixels in {segmentCount} segments");
        }

        var output = new int[info.SampleCount];
        var plane = new byte[pixelsPerPlane];
        for (int segment = 0; segment < segmentCount; segment++)
        {
            int start = (int)BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 + segment * 4)..]);
            int end = segment + 1 < segmentCount ? (int)BinaryPrimitives.ReadUInt32LittleEndian(frame[(8 + segment * 4)..]) : frame.Length;
            if (start < 64 || start > frame.Length || end < start || end > frame.Length)
            {
                throw new DicomException($"RLE segment {segment + 1} has offsets {start}..{end} outside the {frame.Length}-byte frame");
            }

            DecodePackBits(frame[start..end], plane, segment);
            int sample = segment / bytesPerSample;
            int shift = 8 * (bytesPerSample - 1 - segment % bytesPerSample);
            for (int p = 0; p < pixelsPerPlane; p++)
            {
                output[p * info.SamplesPerPixel + sample] |= plane[p] << shift;
            }
        }

        return output;
    }

    private static void DecodePackBits(ReadOnlySpan<byte> source, Span<byte> destination, int segment)
    {
        int s = 0;
        int d = 0;
        while (d < destination.Length)
        {
            if (s >= source.Length)
            {
                throw new DicomException($"RLE segment {segment + 1} ends after {d} of {destination.Length} bytes");
            }

            sbyte header = (sbyte)source[s++];
            if (header >= 0)
            {
                int count = header + 1;
                if (s + count > source.Length || d + count > destination.Length)
                {
                    throw new DicomException($"RLE segment {segment + 1} literal run overruns its data");
                }

                source.Slice(s, count).CopyTo(destination[d..]);
                s += count;
                d += count;
            }
            else if (header != -128)
            {
                int count = 1 - header;
                if (s >= source.Length || d + count > destination.Length)
                {
                    throw new DicomException($"RLE segment {segment + 1} replicate run overruns its data");
                }

                destination.Slice(d, count).Fill(source[s++]);
                d += count;
            }
        }
    }
}
