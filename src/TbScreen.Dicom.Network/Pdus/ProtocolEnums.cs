namespace TbScreen.Dicom.Network;

/// <summary>Result of a presentation context in A-ASSOCIATE-AC (PS3.8 9.3.3.2, Table 9-18).</summary>
public enum PresentationContextOutcome : byte
{
    Acceptance = 0,
    UserRejection = 1,
    NoReason = 2,
    AbstractSyntaxNotSupported = 3,
    TransferSyntaxesNotSupported = 4,
}

/// <summary>A-ASSOCIATE-RJ result field (PS3.8 9.3.4).</summary>
public enum AssociationRejectResult : byte
{
    Permanent = 1,
    Transient = 2,
}

/// <summary>A-ASSOCIATE-RJ source field (PS3.8 9.3.4).</summary>
public enum AssociationRejectSource : byte
{
    ServiceUser = 1,
    ServiceProviderAcse = 2,
    ServiceProviderPresentation = 3,
}

/// <summary>A-ASSOCIATE-RJ reason codes; their meaning depends on the source (PS3.8 9.3.4).</summary>
public static class AssociationRejectReason
{
    // Source 1, service-user.
    public const byte NoReasonGiven = 1;
    public const byte ApplicationContextNameNotSupported = 2;
    public const byte CallingAeTitleNotRecognized = 3;
    public const byte CalledAeTitleNotRecognized = 7;

    // Source 2, service-provider (ACSE).
    public const byte ProtocolVersionNotSupported = 2;

    // Source 3, service-provider (presentation).
    public const byte TemporaryCongestion = 1;
    public const byte LocalLimitExceeded = 2;

    public static string Describe(AssociationRejectSource source, byte reason) => (source, reason) switch
    {
        (AssociationRejectSource.ServiceUser, ApplicationContextNameNotSupported) => "application context name not supported",
        (AssociationRejectSource.ServiceUser, CallingAeTitleNotRecognized) => "calling AE title not recognized",
        (AssociationRejectSource.ServiceUser, CalledAeTitleNotRecognized) => "called AE title not recognized",
        (AssociationRejectSource.ServiceProviderAcse, ProtocolVersionNotSupported) => "protocol version not supported",
        (AssociationRejectSource.ServiceProviderPresentation, TemporaryCongestion) => "temporary congestion",
        (AssociationRejectSource.ServiceProviderPresentation, LocalLimitExceeded) => "local limit exceeded",
        _ => $"no reason given (reason {reason})",
    };
}

/// <summary>A-ABORT source field (PS3.8 9.3.8).</summary>
public enum AbortSource : byte
{
    ServiceUser = 0,
    Reserved = 1,
    ServiceProvider = 2,
}

/// <summary>A-ABORT reason/diagnostic when the source is the service provider (PS3.8 9.3.8).</summary>
public enum AbortReason : byte
{
    NotSpecified = 0,
    UnrecognizedPdu = 1,
    UnexpectedPdu = 2,
    UnrecognizedPduParameter = 4,
    UnexpectedPduParameter = 5,
    InvalidPduParameterValue = 6,
}
