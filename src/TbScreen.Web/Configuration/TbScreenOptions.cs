namespace TbScreen.Web.Configuration;

/// <summary>
/// The host's configuration, bound from the "TbScreen" section (appsettings.json, environment variables such
/// as TbScreen__Database__Provider, or the command line). Relative paths resolve against the content root.
/// </summary>
public sealed class TbScreenOptions
{
    public const string SectionName = "TbScreen";

    /// <summary>The models/ folder holding ensemble.json and the bundles.</summary>
    public string Models { get; set; } = "models";

    /// <summary>The ensemble definition's file name in <see cref="Models"/>; unset = ensemble.json. "ensemble-pruned.json" serves the pruned bundles (docs/pruning.md).</summary>
    public string? Ensemble { get; set; }

    /// <summary>The content-addressed store folder for uploaded and ingested files.</summary>
    public string Store { get; set; } = "store";

    /// <summary>
    /// TbScreen:ContentKeyFile: the master key file that unlocks the encrypted content store (default: content.key
    /// next to the store folder, created on first run). Back it up apart from the store (docs/security.md).
    /// </summary>
    public string? ContentKeyFile { get; set; }

    /// <summary>TbScreen:EncryptContent: seal stored source images with AES-256-GCM (on by default).</summary>
    public bool EncryptContent { get; set; } = true;

    /// <summary>
    /// TbScreen:IsolateNativeCodecs: decode JPEG 2000, JPEG-LS and JPEG XL in codec host processes (on by default), so a crash
    /// or hang in those native libraries fails one file, not the service. Screening:CodecTimeoutSeconds bounds a frame.
    /// </summary>
    public bool IsolateNativeCodecs { get; set; } = true;

    /// <summary>TbScreen:Retention: how long source images are kept (30 days by default), and how often the purge runs.</summary>
    public TbScreen.Screening.Storage.RetentionOptions Retention { get; set; } = new();

    public DatabaseOptions Database { get; set; } = new();

    public UploadOptions Uploads { get; set; } = new();

    public JobOptions Jobs { get; set; } = new();

    /// <summary>
    /// TbScreen:Broker, the AMQP URI of a RabbitMQ broker (amqp://user:password@host:5672/vhost; from configuration or
    /// the environment as TbScreen__Broker). Set, batch jobs are published to `tbscreen worker` processes instead of
    /// running here, and the database must be PostgreSQL so the workers can write to it. Unset (the default), jobs
    /// run in this process. docs/scale-out.md.
    /// </summary>
    public string? Broker { get; set; }

    /// <summary>TbScreen:Dicom: the host's DICOM node (off until Port is set). docs/pacs.md.</summary>
    public DicomNodeSettings Dicom { get; set; } = new();

    public SecurityOptions Security { get; set; } = new();
}

public sealed class DatabaseOptions
{
    /// <summary>sqlite or postgresql; unset, it follows the connection string (Persistence:Provider, Auto).</summary>
    public string? Provider { get; set; }

    /// <summary>Unset, Persistence:ConnectionString or ConnectionStrings:TbScreen is used, else SQLite's tbscreen.db.</summary>
    public string? ConnectionString { get; set; }
}

public sealed class UploadOptions
{
    public const long DefaultMaxBytes = 100L * 1024 * 1024;

    /// <summary>Largest accepted upload (the whole multipart body); larger requests get 413.</summary>
    public long MaxBytes { get; set; } = DefaultMaxBytes;
}

public sealed class JobOptions
{
    /// <summary>
    /// Server folders that batch jobs may read, with their subfolders. Empty by default, so every job is refused
    /// (403) until an administrator names the archive roots: the API must not let a caller read arbitrary paths.
    /// </summary>
    public List<string> AllowedRoots { get; set; } = [];

    /// <summary>
    /// Where files uploaded as a job are kept (one subfolder per job). Jobs may always read here: the host wrote
    /// every file in it, after checking its type.
    /// </summary>
    public string UploadFolder { get; set; } = "data/uploads";

    /// <summary>Most files one upload job may carry.</summary>
    public int MaxFilesPerUpload { get; set; } = 500;

    /// <summary>Files screened at once within a job; each inference already uses several cores, so half of them.</summary>
    public int Parallelism { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Jobs that may wait to start; one more is refused with 503 "job queue full" (jobs resumed at start do not count). 0 accepts no new jobs.</summary>
    public int MaxQueuedJobs { get; set; } = 20;
}

public sealed class DicomNodeSettings
{
    /// <summary>The C-STORE/C-ECHO port; null (the default) runs no DICOM node.</summary>
    public int? Port { get; set; }

    public string AeTitle { get; set; } = "TBSCREEN";

    /// <summary>The address to listen on: loopback unless an administrator opens it.</summary>
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>Calling AE titles allowed to send; empty allows any.</summary>
    public List<string> AllowedCallingAeTitles { get; set; } = [];

    /// <summary>AE@host:port that receives each result's SR and heatmap capture; null keeps results here.</summary>
    public string? ForwardResults { get; set; }

    /// <summary>
    /// Ask <see cref="ForwardResults"/> to commit to keeping each result (Storage Commitment, PS3.4 J). Its reports come
    /// back to this node's listener, so <see cref="Port"/> must be set and the archive must know this AE's address.
    /// </summary>
    public bool StorageCommitment { get; set; }

    /// <summary>
    /// AE@host:port of each AE that C-MOVE may send result objects to (a PACS or viewer pulling a study it found by
    /// C-FIND); empty (the default) refuses C-MOVE. A request's AE title alone never decides where data goes.
    /// </summary>
    public List<string> MoveDestinations { get; set; } = [];

    /// <summary>
    /// AE@host:port of each archive an admin may screen studies from on the PACS page (C-FIND, then C-GET into this
    /// node); empty (the default) offers none. Only these addresses are ever called.
    /// </summary>
    public List<string> Archives { get; set; } = [];

    /// <summary>DICOM over TLS to the <see cref="Archives"/>; unset connects in plain TCP.</summary>
    public DicomForwardTlsSettings? ArchiveTls { get; set; }

    /// <summary>The Verifying Organization of the VERIFIED reports sent after a review.</summary>
    public string VerifyingOrganization { get; set; } = "TbScreen reviewers";

    /// <summary>DICOM over TLS on the listener (PS3.15 B.1); unset listens in plain TCP.</summary>
    public DicomTlsSettings? Tls { get; set; }

    /// <summary>DICOM over TLS to <see cref="ForwardResults"/>; unset connects in plain TCP.</summary>
    public DicomForwardTlsSettings? ForwardTls { get; set; }
}

/// <summary>The listener's TLS: PEM certificate and key; with TrustedClientCertificates, client certificates are required.</summary>
public sealed class DicomTlsSettings
{
    public string Certificate { get; set; } = "";

    public string PrivateKey { get; set; } = "";

    /// <summary>PEM bundle of the CAs whose client certificates are admitted; unset admits any client over TLS.</summary>
    public string? TrustedClientCertificates { get; set; }

    public Dicom.Network.DicomTlsServerOptions ToOptions() =>
        new() { CertificatePath = Certificate, PrivateKeyPath = PrivateKey, TrustedClientCertificatesPath = TrustedClientCertificates };
}

/// <summary>TLS to the PACS: whom to trust (else the system's CAs) and our client certificate when it requires one.</summary>
public sealed class DicomForwardTlsSettings
{
    public string? TrustedServerCertificates { get; set; }

    public string? Certificate { get; set; }

    public string? PrivateKey { get; set; }

    public Dicom.Network.DicomTlsClientOptions ToOptions() =>
        new() { TrustedServerCertificatesPath = TrustedServerCertificates, CertificatePath = Certificate, PrivateKeyPath = PrivateKey };
}

public sealed class SecurityOptions
{
    /// <summary>
    /// The first admin's password when the database has no users yet. Unset, a random strong one is generated and
    /// printed once. Set it (TbScreen__Security__InitialAdminPassword) for scripted setups and tests.
    /// </summary>
    public string? InitialAdminPassword { get; set; }

    /// <summary>The first admin's user name.</summary>
    public string InitialAdminUserName { get; set; } = "admin";

    public LockoutSettings Lockout { get; set; } = new();

    /// <summary>
    /// Reverse proxies (IP addresses) whose X-Forwarded-For and X-Forwarded-Proto are believed; empty (the default)
    /// ignores forwarded headers altogether, so no client can claim another address or scheme.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>
    /// Web origins (https://viewer.example.org) whose pages may call the DICOMweb endpoints from the browser, such as
    /// an OHIF viewer served from another host (CORS; credentials go in the Authorization header, never cookies).
    /// Empty (the default) allows none: same-origin pages and non-browser clients are unaffected.
    /// </summary>
    public List<string> DicomWebOrigins { get; set; } = [];

    /// <summary>How often a session's cookie and an open dashboard circuit are checked against the account (disabled, roles changed).</summary>
    public int RevalidateSeconds { get; set; } = 60;

    /// <summary>Requests per minute before 429 (ASP.NET Core's rate limiter; docs/security.md).</summary>
    public RateLimitSettings RateLimits { get; set; } = new();

    /// <summary>
    /// Where the keys that sign the sign-in cookie and antiforgery tokens are kept, so sessions survive a restart.
    /// Protect this folder like the database: whoever reads it can forge sessions.
    /// </summary>
    public string KeysFolder { get; set; } = "data/keys";
}

public sealed class RateLimitSettings
{
    /// <summary>Sign-in attempts (page and API) per client address and minute.</summary>
    public int SignInsPerMinute { get; set; } = 20;

    /// <summary>Uploads (screenings, upload jobs, STOW-RS) per user (or address) and minute.</summary>
    public int UploadsPerMinute { get; set; } = 120;

    /// <summary>Other API calls per user (or address) and minute.</summary>
    public int ApiRequestsPerMinute { get; set; } = 1200;
}

public sealed class LockoutSettings
{
    /// <summary>Failed sign-ins in a row before the account is locked.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    public int Minutes { get; set; } = 15;
}
