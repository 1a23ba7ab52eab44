namespace TbScreen.Cli.Batch;

/// <summary>The parsed `screen` options.</summary>
public sealed record BatchSettings
{
    public required IReadOnlyList<string> Paths { get; init; }

    public bool Recursive { get; init; }

    /// <summary>results.csv or results.json; null prints lines on stdout.</summary>
    public string? Output { get; init; }

    public int Jobs { get; init; } = Environment.ProcessorCount;

    /// <summary>Connection string or SQLite path; null means the default beside --out (or none without --out).</summary>
    public string? Database { get; init; }

    public string? JobId { get; init; }

    /// <summary>--broker: the AMQP URI of the RabbitMQ broker whose workers screen the items; null screens here.</summary>
    public string? Broker { get; init; }

    /// <summary>Run the per-result stability check (flag "unstable").</summary>
    public bool StabilityCheck { get; init; }

    public double StabilityEpsilon { get; init; } = 2 / 255.0;

    /// <summary>--site-profile: its threshold decides every input; null for the shipped threshold.</summary>
    public Screening.Sites.SiteProfile? SiteProfile { get; init; }

    /// <summary>Seconds between plain progress lines.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(2);
}
