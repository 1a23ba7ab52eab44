using System.Globalization;
using TbScreen.Screening.Storage;

namespace TbScreen.Screening.Jobs;

/// <summary>
/// A batch item whose file waits in the (encrypted) content store rather than on a disk path: an upload job's files.
/// Its key is "stored:NNNN:SHA256", its place in the upload and its hash, so the job's rows never hold a file name
/// (issue 17). Every dispatcher reads such an item through the store.
/// </summary>
public static class StoredItems
{
    public const string Prefix = "stored:";

    /// <param name="index">1-based place in the upload (keeps two identical files as two items, in upload order).</param>
    public static string Key(int index, string sha256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        if (!ContentStore.IsSha256(sha256))
        {
            throw new ArgumentException("not a lower-case hex SHA-256", nameof(sha256));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{index:D4}:{sha256}");
    }

    /// <summary>The SHA-256 of a stored item's file; false for a path on disk.</summary>
    public static bool TryGetSha256(string itemPath, out string sha256)
    {
        ArgumentNullException.ThrowIfNull(itemPath);
        sha256 = "";
        if (!itemPath.StartsWith(Prefix, StringComparison.Ordinal) || itemPath.LastIndexOf(':') is var colon && colon <= Prefix.Length)
        {
            return false;
        }

        string sha = itemPath[(colon + 1)..];
        if (!ContentStore.IsSha256(sha))
        {
            return false;
        }

        sha256 = sha;
        return true;
    }
}
