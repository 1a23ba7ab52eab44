namespace TbScreen.Dicom.Network;

/// <summary>How a <see cref="DicomClient"/> presents itself and how long it waits for its peer.</summary>
public sealed record DicomClientOptions
{
    /// <summary>Our AE title, sent as the calling AE title.</summary>
    public string CallingAeTitle { get; init; } = "TBSCREEN";

    /// <summary>Largest P-DATA-TF PDU we accept, announced in A-ASSOCIATE-RQ (PS3.8 D.1).</summary>
    public uint MaxPduLength { get; init; } = 128 * 1024;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>ARTIM on the requestor side: how long to wait for A-ASSOCIATE-AC/RJ and for A-RELEASE-RP.</summary>
    public TimeSpan AssociationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a DIMSE request may take to send and be answered (the peer stores before it answers).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>DICOM over TLS to the peer (PS3.15 B.1); null connects in plain TCP.</summary>
    public DicomTlsClientOptions? Tls { get; init; }

    public void Validate()
    {
        AeTitles.Require(CallingAeTitle, "CallingAeTitle");
        if (MaxPduLength is < DicomListenerOptions.MinPduLength or > DicomListenerOptions.MaxAllowedPduLength)
        {
            throw new ArgumentException($"MaxPduLength {MaxPduLength} is outside {DicomListenerOptions.MinPduLength}-{DicomListenerOptions.MaxAllowedPduLength}.");
        }

        if (ConnectTimeout <= TimeSpan.Zero || AssociationTimeout <= TimeSpan.Zero || ResponseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("Timeouts must be positive.");
        }
    }
}
