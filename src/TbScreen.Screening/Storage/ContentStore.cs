using System.Security.Cryptography;

namespace TbScreen.Screening.Storage;

/// <summary>The bytes on disk do not hash to the name they are stored under (disk corruption or tampering).</summary>
public sealed class ContentCorruptException(string sha256, string path, string reason = "does not match its SHA-256")
    : Exception($"stored content {path}: {reason} ({sha256})")
{
    public string Reason { get; } = reason;

    public string Sha256 { get; } = sha256;

    public string FilePath { get; } = path;
}

/// <summary>
/// Content-addressed files: ROOT/ab/abcdef... (the SHA-256 in lower-case hex, fanned out by its first two digits so no
/// folder holds millions of entries). Identical bytes are stored once. Writes go to a temporary file in the same
/// folder and are renamed into place, so a crash never leaves a half-written file under a valid name, and readers
/// verify the hash. Thread- and process-safe: racing writers of the same content rename identical bytes.
/// With a <see cref="ContentCipher"/> every new file is sealed with AES-256-GCM (the name stays the plaintext's
/// SHA-256); files written before encryption was turned on stay readable and are verified by their hash.
/// </summary>
public sealed class ContentStore
{
    public ContentStore(string root, ContentCipher? cipher = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
        Cipher = cipher;
    }

    public string Root { get; }

    /// <summary>Null: files are stored as they came (tests and tools that opt out).</summary>
    public ContentCipher? Cipher { get; }

    public static string Sha256Of(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public string PathFor(string sha256)
    {
        if (!IsSha256(sha256))
        {
            throw new ArgumentException($"'{sha256}' is not a lower-case hex SHA-256", nameof(sha256));
        }

        return Path.Combine(Root, sha256[..2], sha256);
    }

    public bool Contains(string sha256) => File.Exists(PathFor(sha256));

    /// <summary>Stores the bytes (if not already there) and returns their SHA-256.</summary>
    public string Put(ReadOnlySpan<byte> content)
    {
        string sha = Sha256Of(content);
        string target = PathFor(sha);
        if (File.Exists(target))
        {
            return sha;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        string temp = target + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                if (Cipher is null)
                {
                    file.Write(content);
                }
                else
                {
                    file.Write(Cipher.Seal(content, sha));
                }

                file.Flush(flushToDisk: true);
            }

            // Another writer may have won meanwhile; its bytes are identical, so overwriting is harmless.
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }

        return sha;
    }

    /// <summary>
    /// Stores a stream and returns its SHA-256. Unencrypted, it streams without holding the content in memory; sealed
    /// (AES-GCM is one-shot), the content is read into memory first, up to <paramref name="maxBytes"/>.
    /// </summary>
    public async Task<string> PutAsync(Stream content, long maxBytes = 512L * 1024 * 1024, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (Cipher is not null)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new InvalidDataException($"content exceeds the {maxBytes}-byte limit");
                }

                buffer.Write(chunk, 0, read);
            }

            return Put(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }

        Directory.CreateDirectory(Root);
        string temp = Path.Combine(Root, Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            string sha;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int n;
                long total = 0;
                while ((n = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    total += n;
                    if (total > maxBytes)
                    {
                        throw new InvalidDataException($"content exceeds the {maxBytes}-byte limit");
                    }

                    hash.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                }

                file.Flush(flushToDisk: true);
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            string target = PathFor(sha);
            if (!File.Exists(target))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(temp, target, overwrite: true);
            }

            return sha;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>The bytes stored under the hash, verified; null when absent. Throws <see cref="ContentCorruptException"/> on a mismatch.</summary>
    public byte[]? Get(string sha256)
    {
        string path = PathFor(sha256);
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (ContentCipher.IsSealed(bytes))
        {
            bytes = Cipher is null
                ? throw new ContentCorruptException(sha256, path, "the file is encrypted and this store has no key ring")
                : Cipher.Open(bytes, sha256, path);
        }

        if (Sha256Of(bytes) != sha256)
        {
            throw new ContentCorruptException(sha256, path);
        }

        return bytes;
    }

    /// <summary>Deletes the file stored under the hash (retention); false when it was not there.</summary>
    public bool Delete(string sha256)
    {
        string path = PathFor(sha256);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>Every stored file's hash with its last write time (UTC); skips the key ring and temporary files.</summary>
    public IEnumerable<(string Sha256, DateTime WrittenUtc)> Enumerate()
    {
        if (!Directory.Exists(Root))
        {
            yield break;
        }

        foreach (string folder in Directory.EnumerateDirectories(Root))
        {
            foreach (string file in Directory.EnumerateFiles(folder))
            {
                string name = Path.GetFileName(file);
                if (IsSha256(name))
                {
                    yield return (name, File.GetLastWriteTimeUtc(file));
                }
            }
        }
    }

    public static bool IsSha256(string value) =>
        value is { Length: 64 } && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
