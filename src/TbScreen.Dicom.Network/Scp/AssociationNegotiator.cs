using TbScreen.Dicom.Network.Pdus;

namespace TbScreen.Dicom.Network.Scp;

/// <summary>
/// Decides an A-ASSOCIATE-RQ (PS3.8 7.1.1, 9.3.3, 9.3.4): reject the association for a wrong protocol version,
/// application context, called or calling AE title; otherwise accept it and answer each presentation context,
/// rejecting unknown abstract syntaxes (3) and contexts without a transfer syntax our reader decodes (4). SCP/SCU
/// role selection (PS3.7 D.3.3.4) lets a C-GET requestor take the SCP role for the storage classes we may send back,
/// and an archive take the SCP role of Storage Commitment to report on the commitments we asked for (PS3.4 J.3.3).
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

        // The first sub-item per SOP class counts (PS3.7 D.3.3.4 allows one); without one the default roles apply.
        var proposedRoles = request.UserInformation.RoleSelections.DistinctBy(r => r.SopClassUid).ToDictionary(r => r.SopClassUid);
        var results = request.PresentationContexts.Select(pc => Answer(pc, proposedRoles.GetValueOrDefault(pc.AbstractSyntax), options)).ToList();
        int accepted = results.Count(r => r.Outcome == PresentationContextOutcome.Acceptance);
        outcome = $"accepted {accepted} of {results.Count} presentation contexts";
        var acceptedClasses = request.PresentationContexts.Where(pc => results.Any(r => r.Id == pc.Id && r.Outcome == PresentationContextOutcome.Acceptance))
            .Select(pc => pc.AbstractSyntax).ToHashSet(StringComparer.Ordinal);
        // Answer each proposed role for a class we accepted with the roles we agree to; never a role that was not proposed.
        var answeredRoles = proposedRoles.Values.Where(r => acceptedClasses.Contains(r.SopClassUid)).Select(r => AgreedRoles(r, options)).ToList();
        return new AssociateAcceptPdu(
            request.CalledAeTitle,
            request.CallingAeTitle,
            DicomUids.ApplicationContext,
            results,
            new UserInformation(options.MaxPduLength, DicomUids.ImplementationClassUid, DicomUids.ImplementationVersionName)
            {
                RoleSelections = answeredRoles,
            });
    }

    /// <summary>
    /// The requestor's roles on each context of the answer: the agreed sub-item's where one was answered, else the
    /// default (requestor SCU only).
    /// </summary>
    public static (bool RequestorIsScu, bool RequestorIsScp) RolesOf(string abstractSyntax, AssociateAcceptPdu accept) =>
        accept.UserInformation.RoleSelections.FirstOrDefault(r => r.SopClassUid == abstractSyntax) is { } agreed
            ? (agreed.RequestorIsScu, agreed.RequestorIsScp)
            : (true, false);

    /// <summary>Transient rejection for a node at its association limit (PS3.8 9.3.4, source 3, reason 2).</summary>
    public static AssociateRejectPdu LocalLimitExceeded() =>
        new(AssociationRejectResult.Transient, AssociationRejectSource.ServiceProviderPresentation, AssociationRejectReason.LocalLimitExceeded);

    private static RoleSelection AgreedRoles(RoleSelection proposed, DicomListenerOptions options) => new(
        proposed.SopClassUid,
        proposed.RequestorIsScu && IsServed(proposed.SopClassUid, options),
        proposed.RequestorIsScp && (options.RetrieveSopClasses.Contains(proposed.SopClassUid) || IsCommitmentReportClass(proposed.SopClassUid, options)));

    /// <summary>Storage Commitment when we take reports: the requestor only ever reports on it, as its SCP.</summary>
    private static bool IsCommitmentReportClass(string abstractSyntax, DicomListenerOptions options) =>
        abstractSyntax == DicomUids.StorageCommitmentPushModel && options.AcceptsCommitmentReports;

    private static bool IsServed(string abstractSyntax, DicomListenerOptions options) =>
        abstractSyntax == DicomUids.Verification || options.StorageSopClasses.Contains(abstractSyntax) || options.QuerySopClasses.Contains(abstractSyntax);

    private static PresentationContextResult Answer(PresentationContextProposal proposal, RoleSelection? roles, DicomListenerOptions options)
    {
        string echo = proposal.TransferSyntaxes[0];
        if (proposal.Id % 2 == 0)
        {
            // Context IDs are odd (PS3.8 9.3.2.2); refuse this one context rather than the whole association.
            return new PresentationContextResult(proposal.Id, PresentationContextOutcome.NoReason, echo);
        }

        var agreed = roles is null ? null : AgreedRoles(roles, options);
        bool weServe = agreed?.RequestorIsScu ?? IsServed(proposal.AbstractSyntax, options);
        bool weSend = agreed?.RequestorIsScp ?? false;
        // An archive that reports without proposing roles is taken at its word: PS3.4 J.3.3 wants the SCP role
        // negotiated, but some archives leave it out, and refusing would only lose the report.
        bool reportsWithDefaultRoles = roles is null && IsCommitmentReportClass(proposal.AbstractSyntax, options);
        if (!weServe && !weSend && !reportsWithDefaultRoles)
        {
            return new PresentationContextResult(proposal.Id, PresentationContextOutcome.AbstractSyntaxNotSupported, echo);
        }

        // The requestor lists syntaxes in its order of preference; take the first our reader decodes. A context we may
        // send on (C-GET) prefers an uncompressed little endian syntax: any native object converts to it.
        string? chosen = (weSend ? proposal.TransferSyntaxes.FirstOrDefault(IsNativeLittleEndian) : null)
            ?? proposal.TransferSyntaxes.FirstOrDefault(uid => TransferSyntax.TryLookup(uid, out _));
        return chosen is null
            ? new PresentationContextResult(proposal.Id, PresentationContextOutcome.TransferSyntaxesNotSupported, echo)
            : new PresentationContextResult(proposal.Id, PresentationContextOutcome.Acceptance, chosen);
    }

    private static bool IsNativeLittleEndian(string uid) =>
        TransferSyntax.TryLookup(uid, out var syntax) && !syntax.Encapsulated && !syntax.Deflated && !syntax.BigEndian;

    private static AssociateRejectPdu Reject(AssociationRejectSource source, byte reason) => new(AssociationRejectResult.Permanent, source, reason);
}
