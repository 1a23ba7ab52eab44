using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace TbScreen.Pacs;

/// <summary>
/// UIDs under the 2.25 root (PS3.5 B.2): a UUID written as one decimal integer. No registered root is needed and
/// two installations never collide.
/// </summary>
public static class UidGenerator
{
    public static string New() => FromUuid(Guid.NewGuid());

    /// <summary>The same UID for the same name every time (e.g. the device UID of one installation's models).</summary>
    public static string FromName(string name)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        // RFC 9562 version 8 layout: 122 bits of the hash, the version and variant bits set.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return Format(hash.AsSpan(0, 16));
    }

    private static string FromUuid(Guid uuid)
    {
        Span<byte> bytes = stackalloc byte[16];
        uuid.TryWriteBytes(bytes, bigEndian: true, out _);
        return Format(bytes);
    }

    private static string Format(ReadOnlySpan<byte> bigEndian128) =>
        "2.25." + new BigInteger(bigEndian128, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
