using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TbScreen.Screening.Storage;

/// <summary>How every host opens the content store: encrypted by default under a master key file (docs/security.md).</summary>
public static class ContentStores
{
    public const string DefaultKeyFileName = "content.key";

    /// <summary>The key file next to the store folder (not inside it), unless the administrator names another.</summary>
    public static string KeyFileFor(string storeRoot, string? keyFile) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(keyFile)
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storeRoot).TrimEnd(Path.DirectorySeparatorChar)) ?? ".", DefaultKeyFileName)
            : keyFile);

    /// <summary>
    /// Opens the store. Encrypted: loads the master key (creating it, mode 0600, only for a store that has no key ring
    /// yet) and the key ring. Throws <see cref="ContentKeyException"/> naming the file when the key cannot open the store.
    /// </summary>
    public static ContentStore Open(string storeRoot, bool encrypt, string? keyFile = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeRoot);
        logger ??= NullLogger.Instance;
        if (!encrypt)
        {
            logger.LogWarning("The content store {Store} keeps source images unencrypted (encryption turned off)", Path.GetFullPath(storeRoot));
            return new ContentStore(storeRoot);
        }

        string keyPath = KeyFileFor(storeRoot, keyFile);
        bool ringExists = File.Exists(Path.Combine(Path.GetFullPath(storeRoot), ContentKeyRing.FileName));
        if (ringExists && !File.Exists(keyPath))
        {
            throw new ContentKeyException(keyPath, $"the content store {Path.GetFullPath(storeRoot)} is encrypted and this master key file does not exist; use the key file of the host that created the store");
        }

        var master = ringExists ? MasterKey.Load(keyPath) : MasterKey.LoadOrCreate(keyPath);
        if (master.Created)
        {
            logger.LogWarning("Created the content store's master key {KeyFile}: back it up apart from the store; without it the stored images cannot be read", keyPath);
        }

        if (master.IsReadableByOthers)
        {
            logger.LogWarning("The master key file {KeyFile} can be read by other users; restrict it to the service account (chmod 600)", keyPath);
        }

        return new ContentStore(storeRoot, new ContentCipher(ContentKeyRing.OpenOrCreate(storeRoot, master)));
    }
}
