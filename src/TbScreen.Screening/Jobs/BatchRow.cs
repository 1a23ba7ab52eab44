using TbScreen.Screening;

namespace TbScreen.Screening.Jobs;

/// <summary>
/// One output row of `tbscreen screen`: the documented columns, in order (docs/cli.md). Made from a fresh
/// <see cref="ScreeningOutcome"/> or from a stored result, so a resumed run writes the same row either way.
/// </summary>
public sealed record BatchRow
{
    /// <summary>The column names, in output order; CSV header and JSON keys alike.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "path", "sopInstanceUid", "status", "error", "alexnetProb", "googlenetProb", "ensembleProb",
        "decision", "flag", "flagReason", "modelVersion", "seconds", "decidedBy", "threshold", "otherMembers",
    ];

    public required string Path { get; init; }

    public string? SopInstanceUid { get; init; }

    /// <summary>ok or an error code (<see cref="ScreeningStatusCodes.ToCode"/>).</summary>
    public required string Status { get; init; }

    public string? Error { get; init; }

    public double? AlexNetProb { get; init; }

    public double? GoogLeNetProb { get; init; }

    public double? EnsembleProb { get; init; }

    public string? Decision { get; init; }

    public string? Flag { get; init; }

    public string? FlagReason { get; init; }

    public string ModelVersion { get; init; } = "";

    public double Seconds { get; init; }

    /// <summary>"shipped threshold" or the site profile that decided ("North v2"); null for failures.</summary>
    public string? DecidedBy { get; init; }

    /// <summary>The ensemble threshold the decision was taken at.</summary>
    public double? Threshold { get; init; }

    /// <summary>
    /// Members beyond AlexNet and GoogLeNet (a three-member ensemble's ResNet-18), in ensemble order, so that no
    /// member's probability is lost from the output; empty for the default two-member ensemble.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, double>> OtherMembers { get; init; } = [];

    /// <summary>"name=p;name=p" with six decimals, as the CSV column holds it.</summary>
    public string OtherMembersText => string.Join(';', OtherMembers.Select(m =>
        m.Key + "=" + OutputNumbers.Probability(m.Value).ToString("R", System.Globalization.CultureInfo.InvariantCulture)));

    public bool IsOk => Status == ScreeningStatus.Ok.ToCode();

    public static BatchRow From(ScreeningOutcome outcome, string displayPath) => new()
    {
        Path = displayPath,
        SopInstanceUid = outcome.SopInstanceUid,
        Status = outcome.Status.ToCode(),
        Error = WithoutPathPrefix(WithoutPathPrefix(outcome.Error, outcome.Source), displayPath),
        AlexNetProb = outcome.AlexNetProbability,
        GoogLeNetProb = outcome.GoogLeNetProbability,
        EnsembleProb = outcome.EnsembleProbability,
        Decision = outcome.Decision,
        Flag = outcome.Flag,
        FlagReason = outcome.FlagReason,
        ModelVersion = outcome.ModelVersion,
        Seconds = outcome.Elapsed.TotalSeconds,
        DecidedBy = outcome.DecidedBy?.Label,
        Threshold = outcome.DecidedBy?.Threshold,
        OtherMembers = outcome.OtherMemberProbabilities(),
    };

    /// <summary>Reader errors start with "PATH: "; the path has its own column, so the error says only why.</summary>
    public static string? WithoutPathPrefix(string? error, string path) =>
        error is not null && error.StartsWith(path + ": ", StringComparison.Ordinal) ? error[(path.Length + 2)..] : error;
}
