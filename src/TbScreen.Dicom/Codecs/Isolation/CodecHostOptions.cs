namespace TbScreen.Dicom.Codecs.Isolation;

/// <summary>How native codecs run out of process (docs/dicom.md, "Native codecs out of process").</summary>
public sealed record CodecHostOptions
{
    /// <summary>Longest one frame may take before its host is killed: generous for a 4300 x 4300 JPEG 2000 on a busy CPU.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest a new host may take to greet. Kept apart from <see cref="Timeout"/>: starting a .NET process on a busy
    /// CPU is not a decoder hang, and a short per-frame limit must not fail every file whose host had to start.
    /// </summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Host processes decoding at once; more callers wait for a free one.</summary>
    public int Processes { get; init; } = 2;

    /// <summary>Largest decoded frame accepted from a host (4 bytes per sample); also capped by the frame's own size.</summary>
    public long MaxOutputBytes { get; init; } = 1L << 30;

    /// <summary>
    /// The host executable (apphost or .dll); null looks for TbScreen.Dicom.CodecHost next to the application, where
    /// a project reference to src/TbScreen.Dicom.CodecHost puts it.
    /// </summary>
    public string? HostPath { get; init; }

    /// <summary>Lets the host honour a request's test fault (crash, hang, oversized reply); tests only.</summary>
    internal bool AllowTestFaults { get; init; }
}
