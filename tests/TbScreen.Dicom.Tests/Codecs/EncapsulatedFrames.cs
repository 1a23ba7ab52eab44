using System.Buffers.Binary;

namespace TbScreen.Dicom.Tests.Codecs;

/// <summary>
/// Minimal extraction of frame 1 from an encapsulated (explicit VR little endian) DICOM file, so
/// codec tests need not wait for the real parser. Superseded by the parser's own tests once it
/// lands: it assumes the last (7FE0,0010) with undefined length is the pixel data.
/// </summary>
internal static class EncapsulatedFrames
{
    public static byte[] FirstFrame(string path)
    {
        byte[] d = File.ReadAllBytes(path);
        ReadOnlySpan<byte> pixelTag = [0xE0, 0x7F, 0x10, 0x00];
        int p = d.AsSpan().LastIndexOf(pixelTag);
        Assert.True(p >= 0, "no pixel data tag");
        p += 12; // tag, VR "OB", reserved, FFFFFFFF
        var fragments = new List<byte[]>();
        while (p + 8 <= d.Length)
        {
            uint tag = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(p));
            int length = BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(p + 4));
            p += 8;
            if (tag == 0xE0DDFFFE)
            {
                break;
            }

            Assert.Equal(0xE000FFFEu, tag);
            fragments.Add(d.AsSpan(p, length).ToArray());
            p += length;
        }

        // fragments[0] is the basic offset table; frame 1 runs until a fragment ends with EOI.
        var frame = new List<byte>();
        foreach (byte[] fragment in fragments.Skip(1))
        {
            frame.AddRange(fragment);
            int end = fragment.Length;
            while (end > 0 && fragment[end - 1] == 0)
            {
                end--; // fragments are padded to even length
            }

            if (end >= 2 && fragment[end - 2] == 0xFF && fragment[end - 1] == 0xD9)
            {
                break;
            }
        }

        return frame.ToArray();
    }
}
