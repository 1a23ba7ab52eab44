using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TbScreen.Screening.Storage;

/// <summary>
/// Seals a content-store file with AES-256-GCM under the ring's current key and a random 96-bit nonce:
/// "TBSE" | version 1 | key id (16) | nonce (12) | tag (16) | ciphertext. The header and the content's SHA-256 name are
/// authenticated, so a file moved under another name, edited or cut short fails the tamper check on read.
/// </summary>
public sealed class ContentCipher(ContentKeyRing ring)
{
    private static readonly byte[] Magic = "TBSE"u8.ToArray();
    private const byte Version = 1;
    private const int HeaderBytes = 4 + 1 + 16;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public ContentKeyRing Ring { get; } = ring ?? throw new ArgumentNullException(nameof(ring));

    public static bool IsSealed(ReadOnlySpan<byte> file) => file.Length >= HeaderBytes + NonceBytes + TagBytes && file[..4].SequenceEqual(Magic) && file[4] == Version;

    public byte[] Seal(ReadOnlySpan<byte> plaintext, string sha256)
    {
        var id = Ring.CurrentKeyId;
        var output = new byte[HeaderBytes + NonceBytes + TagBytes + plaintext.Length];
        Magic.CopyTo(output, 0);
        output[4] = Version;
        id.TryWriteBytes(output.AsSpan(5, 16));
        var nonce = output.AsSpan(HeaderBytes, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Ring.Key(id)!, TagBytes);
        aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderBytes + NonceBytes + TagBytes), output.AsSpan(HeaderBytes + NonceBytes, TagBytes), Associated(output.AsSpan(0, HeaderBytes), sha256));
        return output;
    }

    /// <summary>The plaintext; throws <see cref="ContentCorruptException"/> when the tag does not verify or the key is unknown.</summary>
    public byte[] Open(ReadOnlySpan<byte> file, string sha256, string path)
    {
        if (!IsSealed(file))
        {
            throw new ContentCorruptException(sha256, path, "not a sealed content file");
        }

        var id = new Guid(file.Slice(5, 16));
        byte[] key = Ring.Key(id) ?? throw new ContentCorruptException(sha256, path, $"sealed with key {id}, which the key ring does not hold");
        var plaintext = new byte[file.Length - HeaderBytes - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(file.Slice(HeaderBytes, NonceBytes), file[(HeaderBytes + NonceBytes + TagBytes)..], file.Slice(HeaderBytes + NonceBytes, TagBytes), plaintext,
                Associated(file[..HeaderBytes], sha256));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new ContentCorruptException(sha256, path, "the authentication tag does not verify (tampered with, damaged, or filed under another name)");
        }

        return plaintext;
    }

    private static byte[] Associated(ReadOnlySpan<byte> header, string sha256)
    {
        var data = new byte[header.Length + 2 + sha256.Length];
        header.CopyTo(data);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(header.Length), (ushort)sha256.Length);
        System.Text.Encoding.ASCII.GetBytes(sha256, data.AsSpan(header.Length + 2));
        return data;
    }
}
