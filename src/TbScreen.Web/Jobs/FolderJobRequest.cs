using System.Text.Json;

namespace TbScreen.Web.Jobs;

/// <summary>What the worker needs to run a job, kept in the job's OptionsJson so it survives a restart.</summary>
public sealed record FolderJobRequest(string Folder, bool Recursive)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static FolderJobRequest? FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<FolderJobRequest>(json, Json);
}
