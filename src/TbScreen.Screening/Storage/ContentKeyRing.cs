using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TbScreen.Screening.Storage;

/// <summary>The key ring cannot be used: a missing or wrong master key, or a damaged ring file. Carries the file and the reason.</summary>
public sealed class ContentKeyException(string path, string reason, Exception? inner = null) : Exception($"{path}: {reason}", inner)
{
    public string FilePath { get; } = path;

    public string Reason { get; } = reason;
}

/// <summary>
/// The content store's data keys: 256-bit AES keys, each wrapped (AES-256-GCM) under the administrator's master key
/// file and kept in ROOT/keyring.json. New files are sealed with the current key; rotation adds a key and makes it
/// current, and older files stay readable because each names its key. Losing the master key file loses every
/// encrypted file (docs/security.md).
/// </summary>
public sealed class ContentKeyRing
{
    public const string FileName = "keyring.json";

    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly object _gate = new();
    private readonly byte[] _master;
    private readonly string _path;
    private Dictionary<Guid, byte[]> _keys;

    private ContentKeyRing(string path, byte[] master, Dictionary<Guid, byte[]> keys, Guid current)
    {
        _path = path;
        _master = master;
        _keys = keys;
        CurrentKeyId = current;
    }

    public Guid CurrentKeyId { get; private set; }

    public IReadOnlyCollection<Guid> KeyIds
    {
        get
        {
            lock (_gate)
            {
                return _keys.Keys.ToArray();
            }
        }
    }

    /// <summary>Opens ROOT/keyring.json under the master key, creating the ring (one key) when there is none.</summary>
    public static ContentKeyRing OpenOrCreate(string storeRoot, MasterKey master)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeRoot);
        ArgumentNullException.ThrowIfNull(master);
        Directory.CreateDirectory(storeRoot);
        string path = Path.Combine(Path.GetFullPath(storeRoot), FileName);
        if (!File.Exists(path))
        {
            var id = Guid.NewGuid();
            new ContentKeyRing(path, master.Bytes, new() { [id] = RandomNumberGenerator.GetBytes(KeyBytes) }, id).Save(createOnly: true);
        }

        // Also after creating: a racing process may have created it first, and everybody uses the ring on disk.
        return Open(path, master);
    }

    /// <summary>The key a file names, or null when this ring does not hold it.</summary>
    public byte[]? Key(Guid id)
    {
        lock (_gate)
        {
            return _keys.TryGetValue(id, out var key) ? key : null;
        }
    }

    /// <summary>Adds a fresh key and makes it current; files sealed with older keys stay readable. Returns the new id.</summary>
    public Guid Rotate()
    {
        lock (_gate)
        {
            var id = Guid.NewGuid();
            _keys = new Dictionary<Guid, byte[]>(_keys) { [id] = RandomNumberGenerator.GetBytes(KeyBytes) };
            CurrentKeyId = id;
            Save(createOnly: false);
            return id;
        }
    }

    private static ContentKeyRing Open(string path, MasterKey master)
    {
        RingFile file;
        try
        {
            file = JsonSerializer.Deserialize<RingFile>(File.ReadAllText(path), Json) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new ContentKeyException(path, $"not a key ring: {e.Message}", e);
        }

        var keys = new Dictionary<Guid, byte[]>();
        foreach (var entry in file.Keys)
        {
            byte[] sealedKey = Convert.FromBase64String(entry.Wrapped);
            if (sealedKey.Length != NonceBytes + TagBytes + KeyBytes)
            {
                throw new ContentKeyException(path, $"key {entry.Id} has the wrong length");
            }

            var key = new byte[KeyBytes];
            try
            {
                using var aes = new AesGcm(master.Bytes, TagBytes);
                aes.Decrypt(sealedKey.AsSpan(0, NonceBytes), sealedKey.AsSpan(NonceBytes + TagBytes), sealedKey.AsSpan(NonceBytes, TagBytes), key, entry.Id.ToByteArray());
            }
            catch (AuthenticationTagMismatchException e)
            {
                throw new ContentKeyException(path, "the master key file does not open this key ring (a different or damaged key file)", e);
            }

            keys[entry.Id] = key;
        }

        if (!keys.ContainsKey(file.Current))
        {
            throw new ContentKeyException(path, $"the current key {file.Current} is not in the ring");
        }

        return new ContentKeyRing(path, master.Bytes, keys, file.Current);
    }

    private void Save(bool createOnly)
    {
        var entries = _keys.Select(k =>
        {
            var sealedKey = new byte[NonceBytes + TagBytes + KeyBytes];
            RandomNumberGenerator.Fill(sealedKey.AsSpan(0, NonceBytes));
            using var aes = new AesGcm(_master, TagBytes);
            aes.Encrypt(sealedKey.AsSpan(0, NonceBytes), k.Value, sealedKey.AsSpan(NonceBytes + TagBytes), sealedKey.AsSpan(NonceBytes, TagBytes), k.Key.ToByteArray());
            return new RingEntry(k.Key, Convert.ToBase64String(sealedKey));
        }).ToList();
        string text = JsonSerializer.Serialize(new RingFile(1, CurrentKeyId, entries), Json);
        string temp = _path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            if (createOnly)
            {
                try
                {
                    File.Move(temp, _path, overwrite: false);
                }
                catch (IOException) when (File.Exists(_path))
                {
                    // Lost the race to create: the other ring is used.
                }
            }
            else
            {
                File.Move(temp, _path, overwrite: true);
            }
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private sealed record RingFile(int Version, Guid Current, List<RingEntry> Keys);

    private sealed record RingEntry(Guid Id, [property: JsonPropertyName("wrapped")] string Wrapped);
}
