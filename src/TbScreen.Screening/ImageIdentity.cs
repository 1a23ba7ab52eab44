using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TbScreen.Imaging;

namespace TbScreen.Screening;

/// <summary>What identifies an image: its SOP Instance UID (a claim the file makes) and the hash of its decoded pixels (what it is).</summary>
public static class ImageIdentity
{
    /// <summary>
    /// SHA-256 over rows, columns, frames and the stored pixel values (little-endian int32) as decoded, before any
    /// LUT: a lossless re-export in another transfer syntax hashes the same, other pixels under a copied UID do not.
    /// </summary>
    public static string PixelSha256(Radiograph radiograph)
    {
        ArgumentNullException.ThrowIfNull(radiograph);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(header, radiograph.Layout.Rows);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], radiograph.Layout.Columns);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], radiograph.Metadata.NumberOfFrames);
        hash.AppendData(header);
        if (BitConverter.IsLittleEndian)
        {
            hash.AppendData(MemoryMarshal.AsBytes(radiograph.StoredPixels.AsSpan()));
        }
        else
        {
            var buffer = new byte[4];
            foreach (int value in radiograph.StoredPixels)
            {
                BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
                hash.AppendData(buffer);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
