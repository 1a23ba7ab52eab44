using System.Net;

namespace TbScreen.Dicom.Network;

/// <summary>How a <see cref="DicomListener"/> presents itself, whom it accepts, and its limits.</summary>
public sealed record DicomListenerOptions
{
    /// <summary>Our AE title; requests calling any other title are rejected (called AE title not recognized).</summary>
    public string AeTitle { get; init; } = "TBSCREEN";

    /// <summary>Loopback by default: exposing the node to the network is a deliberate choice.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port; 0 picks a free one (read it back from <see cref="DicomListener.LocalEndPoint"/>).</summary>
    public int Port { get; init; } = 11112;

    /// <summary>Calling AE titles allowed to associate; empty allows any.</summary>
    public IReadOnlyCollection<string> AllowedCallingAeTitles { get; init; } = [];

    /// <summary>Associations served at once; more are rejected as transient, local limit exceeded.</summary>
    public int MaxAssociations { get; init; } = 16;

    /// <summary>ARTIM (PS3.8 9.1.5): how long a new connection may take to send its A-ASSOCIATE-RQ, and how long we wait for the peer to close after a release or reject.</summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an established association may stay silent (or take to deliver one PDU) before we abort it.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Largest P-DATA-TF PDU we accept, announced in A-ASSOCIATE-AC (PS3.8 D.1); longer ones are aborted.</summary>
    public uint MaxPduLength { get; init; } = 128 * 1024;

    /// <summary>Largest data set held for one C-STORE; larger ones are refused with status A700 (out of resources).</summary>
    public int MaxDataSetBytes { get; init; } = 1 << 30;

    /// <summary>DICOM over TLS (PS3.15 B.1): every connection must complete a TLS handshake first; null listens in plain TCP.</summary>
    public DicomTlsServerOptions? Tls { get; init; }

    /// <summary>Query SOP classes accepted; the listener sets Study Root FIND when it has a query handler.</summary>
    public IReadOnlyCollection<string> QuerySopClasses { get; init; } = [];

    /// <summary>
    /// Storage SOP classes a C-GET may send back, on contexts where the requestor takes the SCP role (PS3.7 D.3.3.4);
    /// the listener sets its get handler's classes.
    /// </summary>
    public IReadOnlyCollection<string> RetrieveSopClasses { get; init; } = [];

    /// <summary>Set by the listener when it has a Storage Commitment report handler.</summary>
    internal bool AcceptsCommitmentReports { get; init; }

    /// <summary>Storage SOP classes accepted; others are rejected per presentation context (abstract syntax not supported).</summary>
    public IReadOnlyCollection<string> StorageSopClasses { get; init; } = DicomUids.DefaultStorageSopClasses;

    /// <summary>Smallest maximum PDU length we announce: dcmtk and most toolkits refuse less than 4 KiB.</summary>
    public const uint MinPduLength = 4096;

    /// <summary>Largest we announce: bounds the buffer each association holds.</summary>
    public const uint MaxAllowedPduLength = 16 * 1024 * 1024;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that cannot work.</summary>
    public void Validate()
    {
        AeTitles.Require(AeTitle, "AeTitle");
        foreach (string calling in AllowedCallingAeTitles)
        {
            AeTitles.Require(calling, "AllowedCallingAeTitles entry");
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"Port {Port} is outside 0-65535.");
        }

        if (MaxAssociations < 1)
        {
            throw new ArgumentException($"MaxAssociations must be at least 1, not {MaxAssociations}.");
        }

        if (ArtimTimeout <= TimeSpan.Zero || IdleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("ArtimTimeout and IdleTimeout must be positive.");
        }

        if (MaxPduLength is < MinPduLength or > MaxAllowedPduLength)
        {
            throw new ArgumentException($"MaxPduLength {MaxPduLength} is outside {MinPduLength}-{MaxAllowedPduLength}.");
        }

        if (MaxDataSetBytes < 1)
        {
            throw new ArgumentException($"MaxDataSetBytes must be positive, not {MaxDataSetBytes}.");
        }
    }
}
