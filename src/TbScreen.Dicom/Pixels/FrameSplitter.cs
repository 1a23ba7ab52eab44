using System.Buffers.Binary;

namespace TbScreen.Dicom.Pixels;

/// <summary>
/// Finds the bytes of one frame in encapsulated pixel data: by Extended Offset Table, by Basic
/// Offset Table, one fragment per frame, or by codestream start markers when no table exists.
/// </summary>
internal static class FrameSplitter
{
    public static byte[] GetFrame(DicomDataset dataset, DicomElement pixelData, int frameIndex, int numberOfFrames)
    {
        var fragments = pixelData.Fragments!;
        if (fragments.Count < 2)
        {
            throw new DicomException("encapsulated pixel data has no fragments after the offset table", tag: DicomTag.PixelData);
        }

        int fragmentCount = fragments.Count - 1;
        if (numberOfFrames == 1)
        {
            return Concatenate(fragments, 1, fragmentCount);
        }

        if (TryByExtendedOffsetTable(dataset, fragments, frameIndex, numberOfFrames, out var frame)
            || TryByBasicOffsetTable(fragments, frameIndex, numberOfFrames, out frame))
        {
            return frame;
        }

        if (fragmentCount == numberOfFrames)
        {
            return fragments[frameIndex + 1].ToArray();
        }

        // No table and more fragments than frames: a frame starts at each fragment that opens a codestream.
        var starts = new List<int>();
        for (int i = 1; i < fragments.Count; i++)
        {
            if (StartsCodestream(fragments[i].Span))
            {
                starts.Add(i);
            }
        }

        if (starts.Count != numberOfFrames || starts[0] != 1)
        {
            throw new DicomException(
                $"cannot locate frame {frameIndex + 1}: {fragmentCount} fragments, {numberOfFrames} frames and no offset table", tag: DicomTag.PixelData);
        }

        int first = starts[frameIndex];
        int end = frameIndex + 1 < starts.Count ? starts[frameIndex + 1] : fragments.Count;
        return Concatenate(fragments, first, end - first);
    }

    private static bool TryByBasicOffsetTable(IReadOnlyList<ReadOnlyMemory<byte>> fragments, int frameIndex, int numberOfFrames, out byte[] frame)
    {
        frame = [];
        var table = fragments[0].Span;
        if (table.Length == 0 || table.Length % 4 != 0 || table.Length / 4 != numberOfFrames)
        {
            return false;
        }

        long start = BinaryPrimitives.ReadUInt32LittleEndian(table[(frameIndex * 4)..]);
        long end = frameIndex + 1 < numberOfFrames ? BinaryPrimitives.ReadUInt32LittleEndian(table[((frameIndex + 1) * 4)..]) : long.MaxValue;
        return TryCollect(fragments, start, end, out frame);
    }

    private static bool TryByExtendedOffsetTable(DicomDataset dataset, IReadOnlyList<ReadOnlyMemory<byte>> fragments, int frameIndex, int numberOfFrames, out byte[] frame)
    {
        frame = [];
        var element = dataset[DicomTag.ExtendedOffsetTable];
        var table = element is null ? ReadOnlySpan<byte>.Empty : element.Value.Span;
        if (table.Length != numberOfFrames * 8)
        {
            return false;
        }

        long start = (long)BinaryPrimitives.ReadUInt64LittleEndian(table[(frameIndex * 8)..]);
        long end = frameIndex + 1 < numberOfFrames ? (long)BinaryPrimitives.ReadUInt64LittleEndian(table[((frameIndex + 1) * 8)..]) : long.MaxValue;
        return TryCollect(fragments, start, end, out frame);
    }

    // Offsets count from the first byte of the first fragment's item tag, headers included.
    private static bool TryCollect(IReadOnlyList<ReadOnlyMemory<byte>> fragments, long start, long end, out byte[] frame)
    {
        frame = [];
        if (start < 0 || end <= start)
        {
            return false;
        }

        long offset = 0;
        int first = -1;
        int count = 0;
        for (int i = 1; i < fragments.Count; i++)
        {
            if (offset == start)
            {
                first = i;
            }

            if (first >= 0 && offset < end)
            {
                count = i - first + 1;
            }

            offset += 8 + fragments[i].Length;
        }

        if (first < 0 || count == 0)
        {
            return false;
        }

        frame = Concatenate(fragments, first, count);
        return true;
    }

    private static bool StartsCodestream(ReadOnlySpan<byte> fragment) =>
        fragment.Length >= 4
        && ((fragment[0] == 0xFF && fragment[1] == 0xD8)                                                  // JPEG, JPEG-LS
            || (fragment[0] == 0xFF && fragment[1] == 0x4F && fragment[2] == 0xFF && fragment[3] == 0x51) // J2K codestream
            || (fragment.Length >= 12 && fragment[4] == (byte)'j' && fragment[5] == (byte)'P')           // JP2 signature box
            || (fragment.Length >= 64 && BinaryPrimitives.ReadUInt32LittleEndian(fragment) is >= 1 and <= 15
                && BinaryPrimitives.ReadUInt32LittleEndian(fragment[4..]) == 64));                     // RLE header

    private static byte[] Concatenate(IReadOnlyList<ReadOnlyMemory<byte>> fragments, int first, int count)
    {
        long total = 0;
        for (int i = first; i < first + count; i++)
        {
            total += fragments[i].Length;
        }

        var result = new byte[total];
        int position = 0;
        for (int i = first; i < first + count; i++)
        {
            fragments[i].Span.CopyTo(result.AsSpan(position));
            position += fragments[i].Length;
        }

        return result;
    }
}
