using System.Text.Json;

namespace TbScreen.Web.Jobs;

/// <summary>What the worker needs to run a job, kept in the job's OptionsJson so it survives a restart.</summary>
/// <param name="Folder">The server folder; for an upload job <see cref="ContentStoreSource"/> (its files wait in the encrypted
/// content store as <see cref="TbScreen.Screening.Jobs.StoredItems"/>), or a staging folder for jobs from before issue 17.</param>
/// <param name="UploadedFiles">For an upload job: how many files were uploaded; null for a server folder.</param>
/// <param name="Site">The site chosen for the job: it decides every file's site profile; null lets the site rules decide.</param>
public sealed record FolderJobRequest(string Folder, bool Recursive, int? UploadedFiles = null, string? Site = null)
{
    /// <summary>
    /// Jobs the web host created carry a key with this prefix; the CLI's jobs share the database but are not ours to
    /// resume (their options JSON has another shape, too).
    /// </summary>
    public const string KeyPrefix = "web:";

    /// <summary>The "folder" of an upload job whose files were staged in the content store.</summary>
    public const string ContentStoreSource = "(content store)";

    /// <summary>An upload job staged in the content store: its items exist from the start, there is nothing to walk.</summary>
    public bool IsStoredUpload => UploadedFiles is not null && Folder == ContentStoreSource;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string NewKey() => KeyPrefix + Guid.NewGuid().ToString("N");

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Null for a job without options or with options of another shape (a CLI job).</summary>
    public static FolderJobRequest? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<FolderJobRequest>(json, Json) is { Folder.Length: > 0 } request ? request : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
