using TbScreen.Dicom.Network.Pdus;

namespace TbScreen.Dicom.Network.Scp;

/// <summary>
/// Decides an A-ASSOCIATE-RQ (PS3.8 7.1.1, 9.3.3, 9.3.4): reject the association for a wrong protocol version,
/// application context, called or calling AE title; otherwise accept it and answer each presentation context,
/// rejecting unknown abstract syntaxes (3) and contexts without a transfer syntax our reader decodes (4).
/// </summary>
internal static class AssociationNegotiator
{
    public static Pdu Negotiate(AssociateRequestPdu request, DicomListenerOptions options, out string outcome)
    {
        if ((request.ProtocolVersion & 1) == 0)
        {
            outcome = $"protocol version 0x{request.ProtocolVersion:X4} lacks version 1";
            return Reject(AssociationRejectSource.ServiceProviderAcse, AssociationRejectReason.ProtocolVersionNotSupported);
        }

        if (request.ApplicationContext != DicomUids.ApplicationContext)
        {
            outcome = $"application context {request.ApplicationContext} not supported";
            return Reject(AssociationRejectSource.ServiceUser, AssociationRejectReason.ApplicationContextNameNotSupported);
        }

        if (!string.Equals(request.CalledAeTitle, options.AeTitle.Trim(' '), StringComparison.Ordinal))
        {
            outcome = $"called AE title '{request.CalledAeTitle}' is not ours ('{options.AeTitle}')";
            return Reject(AssociationRejectSource.ServiceUser, AssociationRejectReason.CalledAeTitleNotRecognized);
        }

        if (options.AllowedCallingAeTitles.Count > 0
            && !options.AllowedCallingAeTitles.Any(t => string.Equals(t.Trim(' '), request.CallingAeTitle, StringComparison.Ordinal)))
        {
            outcome = $"calling AE title '{request.CallingAeTitle}' is not allowed";
            return Reject(AssociationRejectSource.ServiceUser, AssociationRejectReason.CallingAeTitleNotRecognized);
        }

        var results = request.PresentationContexts.Select(pc => Answer(pc, options)).ToList();
        int accepted = results.Count(r => r.Outcome == PresentationContextOutcome.Acceptance);
        outcome = $"accepted {accepted} of {results.Count} presentation contexts";
        return new AssociateAcceptPdu(
            request.CalledAeTitle,
            request.CallingAeTitle,
            DicomUids.ApplicationContext,
            results,
            new UserInformation(options.MaxPduLength, DicomUids.ImplementationClassUid, DicomUids.ImplementationVersionName));
    }

    /// <summary>Transient rejection for a node at its association limit (PS3.8 9.3.4, source 3, reason 2).</summary>
    public static AssociateRejectPdu LocalLimitExceeded() =>
        new(AssociationRejectResult.Transient, AssociationRejectSource.ServiceProviderPresentation, AssociationRejectReason.LocalLimitExceeded);

    private static PresentationContextResult Answer(PresentationContextProposal proposal, DicomListenerOptions options)
    {
        string echo = proposal.TransferSyntaxes[0];
        if (proposal.Id % 2 == 0)
        {
            // Context IDs are odd (PS3.8 9.3.2.2); refuse this one context rather than the whole association.
            return new PresentationContextResult(proposal.Id, PresentationContextOutcome.NoReason, echo);
        }

        bool known = proposal.AbstractSyntax == DicomUids.Verification || options.StorageSopClasses.Contains(proposal.AbstractSyntax)
            || options.QuerySopClasses.Contains(proposal.AbstractSyntax);
        if (!known)
        {
            return new PresentationContextResult(proposal.Id, PresentationContextOutcome.AbstractSyntaxNotSupported, echo);
        }

        // The requestor lists syntaxes in its order of preference; take the first our reader decodes.
        string? chosen = proposal.TransferSyntaxes.FirstOrDefault(uid => TransferSyntax.TryLookup(uid, out _));
        return chosen is null
            ? new PresentationContextResult(proposal.Id, PresentationContextOutcome.TransferSyntaxesNotSupported, echo)
            : new PresentationContextResult(proposal.Id, PresentationContextOutcome.Acceptance, chosen);
    }

    private static AssociateRejectPdu Reject(AssociationRejectSource source, byte reason) => new(AssociationRejectResult.Permanent, source, reason);
}
