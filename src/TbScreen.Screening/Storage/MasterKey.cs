using System.Security.Cryptography;
using System.Text;

namespace TbScreen.Screening.Storage;

/// <summary>
/// The administrator's 256-bit master key, read from a key file holding its base64 text. It wraps the content store's
/// data keys and keys the patient pseudonyms; it is never logged. <see cref="LoadOrCreate"/> writes a new one (mode
/// 0600) on first run, so a fresh install is encrypted from its first file.
/// </summary>
public sealed class MasterKey
{
    private MasterKey(byte[] bytes, string path)
    {
        Bytes = bytes;
        FilePath = path;
    }

    internal byte[] Bytes { get; }

    public string FilePath { get; }

    /// <summary>True when the file was created by this call (hosts tell the administrator to back it up).</summary>
    public bool Created { get; private init; }

    /// <summary>Reads the key file; throws <see cref="ContentKeyException"/> naming the file when it is missing or malformed.</summary>
    public static MasterKey Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new ContentKeyException(path, "the master key file does not exist");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(path, Encoding.ASCII).Trim());
        }
        catch (FormatException e)
        {
            throw new ContentKeyException(path, "the master key file is not base64 text", e);
        }

        if (key.Length != 32)
        {
            throw new ContentKeyException(path, $"the master key must be 32 bytes (256 bits); the file holds {key.Length}");
        }

        return new MasterKey(key, path);
    }

    /// <summary>Loads the key file, or creates it (32 random bytes, owner read/write only) when it does not exist.</summary>
    public static MasterKey LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        path = Path.GetFullPath(path);
        if (File.Exists(path))
        {
            return Load(path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, Encoding.ASCII, options);
            writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }
        catch (IOException) when (File.Exists(path))
        {
            return Load(path); // another process created it first
        }

        var loaded = Load(path);
        return new MasterKey(loaded.Bytes, loaded.FilePath) { Created = true };
    }

    /// <summary>Whether group or others may read the key file (hosts warn: the key should be the owner's alone).</summary>
    public bool IsReadableByOthers =>
        !OperatingSystem.IsWindows() &&
        (File.GetUnixFileMode(FilePath) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0;

    /// <summary>A key derived for one purpose (HMAC-SHA-256 of the label), so the pseudonym key is not the wrapping key.</summary>
    public byte[] Derive(string purpose) => HMACSHA256.HashData(Bytes, Encoding.UTF8.GetBytes("tbscreen:" + purpose));
}
