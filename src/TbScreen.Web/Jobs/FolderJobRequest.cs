using System.Text.Json;

namespace TbScreen.Web.Jobs;

/// <summary>What the worker needs to run a job, kept in the job's OptionsJson so it survives a restart.</summary>
/// <param name="UploadedFiles">For an upload job: how many files were uploaded (its folder is the host's own); null for a server folder.</param>
/// <param name="Site">The site chosen for the job: it decides every file's site profile; null lets the site rules decide.</param>
public sealed record FolderJobRequest(string Folder, bool Recursive, int? UploadedFiles = null, string? Site = null)
{
    /// <summary>
    /// Jobs the web host created carry a key with this prefix; the CLI's jobs share the database but are not ours to
    /// resume (their options JSON has another shape, too).
    /// </summary>
    public const string KeyPrefix = "web:";

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
