namespace TbScreen.Web.Components.Models;

/// <summary>
/// One screening result as the result card shows it. Probabilities are in [0, 1]; <see cref="Decision"/> is
/// "tb" or "not-tb" (null when the image was not screened); <see cref="Status"/> is "ok" or an error code such as
/// "invalid-dicom", with <see cref="Error"/> saying why.
/// </summary>
public sealed record ResultView
{
    public required string Id { get; init; }
    public string? FileName { get; init; }
    public required string Status { get; init; }
    public string? Error { get; init; }
    public double? AlexNet { get; init; }
    public double? GoogLeNet { get; init; }

    /// <summary>Members beyond AlexNet and GoogLeNet (ensemble-3.json's ResNet-18), by bundle name in ensemble order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> OtherMembers { get; init; } = [];
    public double? Ensemble { get; init; }

    /// <summary>The site's ensemble threshold: at or above it the decision is tb.</summary>
    public double? Threshold { get; init; }

    public string? Decision { get; init; }

    /// <summary>Stable reason names: "disagreement", "uncertain", "unstable", "unfamiliar", "lungs-not-found", "inverted" (others are shown as given).</summary>
    public IReadOnlyList<string> FlagReasons { get; init; } = [];

    /// <summary>The pipeline's own sentence with the numbers behind the flag (or behind an unflagged decision).</summary>
    public string? FlagDetail { get; init; }

    /// <summary>De-identified attributes only, in display order (e.g. "Sex" → "F", "View" → "PA").</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    public string? ModelVersion { get; init; }
    public DateTimeOffset? ScreenedAt { get; init; }

    public bool IsOk => string.Equals(Status, "ok", StringComparison.Ordinal);
    public bool Flagged => FlagReasons.Count > 0;

    /// <summary>"disagreement+uncertain" (the API's flag field) → ["disagreement", "uncertain"]; "none" or null → [].</summary>
    public static IReadOnlyList<string> ParseFlag(string? flag) =>
        string.IsNullOrWhiteSpace(flag) || flag == "none"
            ? []
            : flag.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
