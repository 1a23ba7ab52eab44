using System.Text.Json;
using System.Text.Json.Serialization;
using TbScreen.Inference.Stability;
using TbScreen.Screening.Sites;
using TbScreen.Screening.Storage;

namespace TbScreen.Screening.Jobs;

/// <summary>
/// One batch item as it travels to a worker on another machine. It names the item (job id, item id and the item's
/// key in the job store), where the file is on storage every worker can reach (an absolute path on a shared file
/// system, or "sha256:HEX" in the content store), the model version the job expects, and the job's choices that
/// change the result (site or fixed site profile, heatmap). It never carries pixels or patient data beyond the path
/// the job already holds.
/// </summary>
public sealed record QueuedItem
{
    public const string ContentPrefix = "sha256:";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A site.json written before profiles has no target or CIs: those fields are NaN and must still travel.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public required long JobId { get; init; }

    public required long ItemId { get; init; }

    /// <summary>The item's key in the job store (its absolute path when it was walked from a folder).</summary>
    public required string ItemPath { get; init; }

    /// <summary>Where the file is: an absolute path, or <see cref="ContentPrefix"/> + the SHA-256 of a stored file.</summary>
    public required string Location { get; init; }

    public required string ModelVersion { get; init; }

    /// <summary>The site the job's creator chose; null lets the site rules decide.</summary>
    public string? Site { get; init; }

    /// <summary>
    /// The profile that decides this item instead of the site rules (the CLI's `screen --broker --site-profile`).
    /// <see cref="ModelVersion"/> is then the version it marks ("MODELS+site@NAME vN:T"), while the message goes
    /// to the queue of the models themselves.
    /// </summary>
    public SiteProfile? SiteProfile { get; init; }

    /// <summary>
    /// The per-result stability check the job asked for (docs/robustness.md); null: none. <see cref="ModelVersion"/>
    /// then ends in its mark ("+stability@EPS"), and only a worker that runs this very check screens the item.
    /// </summary>
    public StabilityOptions? Stability { get; init; }

    /// <summary>Compute the class-activation heatmap (web jobs show it; batch rows do not).</summary>
    public bool Heatmap { get; init; }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Throws <see cref="FormatException"/> when the bytes are not a queued item.</summary>
    public static QueuedItem Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var item = JsonSerializer.Deserialize<QueuedItem>(body, Json);
            if (item is null || item.JobId <= 0 || string.IsNullOrEmpty(item.ItemPath) || string.IsNullOrEmpty(item.Location) || string.IsNullOrEmpty(item.ModelVersion))
            {
                throw new FormatException("a queued item needs jobId, itemId, itemPath, location and modelVersion");
            }

            if (item.SiteProfile is { } profile && (string.IsNullOrWhiteSpace(profile.Site) || !(profile.Threshold is >= 0 and <= 1)))
            {
                throw new FormatException("a queued item's siteProfile needs a site and a threshold in [0, 1]");
            }

            if (item.Stability is { } stability)
            {
                if (!stability.Enabled)
                {
                    throw new FormatException("a queued item's stability check must be enabled when it is given");
                }

                stability.Validate();
            }

            return item;
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"a queued item's stability check is invalid: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a queued item: {e.Message}", e);
        }
    }

    /// <summary>The content store's SHA-256 for a "sha256:" location; null when the item is a path to read.</summary>
    public string? StoredSha256 => Location.StartsWith(ContentPrefix, StringComparison.Ordinal) ? Location[ContentPrefix.Length..] : null;
}
