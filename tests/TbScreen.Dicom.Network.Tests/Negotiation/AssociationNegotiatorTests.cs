using TbScreen.Dicom.Network.Pdus;
using TbScreen.Dicom.Network.Scp;

namespace TbScreen.Dicom.Network.Tests.Negotiation;

/// <summary>The acceptor's decisions (PS3.8 9.3.3, 9.3.4) for each kind of request.</summary>
public sealed class AssociationNegotiatorTests
{
    private static readonly DicomListenerOptions Options = new() { AeTitle = "TBSCREEN", AllowedCallingAeTitles = ["MODALITY"] };

    [Theory]
    [InlineData("OTHER", "MODALITY", DicomUids.ApplicationContext, AssociationRejectSource.ServiceUser, AssociationRejectReason.CalledAeTitleNotRecognized)]
    [InlineData("TBSCREEN", "STRANGER", DicomUids.ApplicationContext, AssociationRejectSource.ServiceUser, AssociationRejectReason.CallingAeTitleNotRecognized)]
    [InlineData("TBSCREEN", "MODALITY", "1.2.3.4", AssociationRejectSource.ServiceUser, AssociationRejectReason.ApplicationContextNameNotSupported)]
    public void Wrong_titles_and_contexts_are_rejected_permanently_with_their_reason(string called, string calling, string context, AssociationRejectSource source, byte reason)
    {
        var answer = AssociationNegotiator.Negotiate(Request(called, calling, context), Options, out _);
        Assert.Equal(new AssociateRejectPdu(AssociationRejectResult.Permanent, source, reason), answer);
    }

    [Fact]
    public void A_protocol_version_without_bit_0_is_rejected_by_the_ACSE_provider()
    {
        var answer = AssociationNegotiator.Negotiate(Request("TBSCREEN", "MODALITY") with { ProtocolVersion = 2 }, Options, out _);
        Assert.Equal(new AssociateRejectPdu(AssociationRejectResult.Permanent, AssociationRejectSource.ServiceProviderAcse, AssociationRejectReason.ProtocolVersionNotSupported), answer);
    }

    [Fact]
    public void Each_context_is_answered_on_its_own()
    {
        var request = Request("TBSCREEN", "MODALITY") with
        {
            PresentationContexts =
            [
                new PresentationContextProposal(1, DicomUids.Verification, [TransferSyntax.ImplicitVrLittleEndianUid]),
                new PresentationContextProposal(3, "1.2.840.10008.5.1.4.1.1.2", [TransferSyntax.ExplicitVrLittleEndianUid]), // CT: not ours
                new PresentationContextProposal(5, DicomUids.ComputedRadiographyImageStorage, ["1.2.840.10008.1.2.4.100", "1.2.3.999"]), // MPEG2, bogus
                new PresentationContextProposal(7, DicomUids.DigitalXRayImageStorageForPresentation, ["1.2.3.999", TransferSyntax.JpegLsLosslessUid, TransferSyntax.ExplicitVrLittleEndianUid]),
                new PresentationContextProposal(8, DicomUids.ComprehensiveSrStorage, [TransferSyntax.ExplicitVrLittleEndianUid]), // even ID
            ],
        };

        var accept = Assert.IsType<AssociateAcceptPdu>(AssociationNegotiator.Negotiate(request, Options, out _));

        Assert.Equal(
            [
                (1, PresentationContextOutcome.Acceptance, TransferSyntax.ImplicitVrLittleEndianUid),
                (3, PresentationContextOutcome.AbstractSyntaxNotSupported, TransferSyntax.ExplicitVrLittleEndianUid),
                (5, PresentationContextOutcome.TransferSyntaxesNotSupported, "1.2.840.10008.1.2.4.100"),
                (7, PresentationContextOutcome.Acceptance, TransferSyntax.JpegLsLosslessUid), // the requestor's first that we read
                (8, PresentationContextOutcome.NoReason, TransferSyntax.ExplicitVrLittleEndianUid),
            ],
            accept.PresentationContexts.Select(c => ((int)c.Id, c.Outcome, c.TransferSyntax)).ToArray());
        Assert.Equal(new UserInformation(Options.MaxPduLength, DicomUids.ImplementationClassUid, DicomUids.ImplementationVersionName), accept.UserInformation);
        Assert.Equal(("TBSCREEN", "MODALITY"), (accept.CalledAeTitle, accept.CallingAeTitle));
    }

    [Fact]
    public void An_empty_allow_list_admits_any_calling_title()
    {
        var answer = AssociationNegotiator.Negotiate(Request("TBSCREEN", "ANYONE"), Options with { AllowedCallingAeTitles = [] }, out _);
        Assert.IsType<AssociateAcceptPdu>(answer);
    }

    [Fact]
    public void Every_transfer_syntax_the_reader_parses_is_accepted_for_storage()
    {
        foreach (var syntax in TransferSyntax.All)
        {
            var request = Request("TBSCREEN", "MODALITY") with { PresentationContexts = [new PresentationContextProposal(1, DicomUids.ComputedRadiographyImageStorage, [syntax.Uid])] };
            var accept = Assert.IsType<AssociateAcceptPdu>(AssociationNegotiator.Negotiate(request, Options, out _));
            Assert.Equal(PresentationContextOutcome.Acceptance, accept.PresentationContexts[0].Outcome);
        }
    }

    /// <summary>A modality that sends HTJ2K proposes it first; the reader decodes it, so it is taken over the fallback.</summary>
    [Theory]
    [InlineData(TransferSyntax.HtJpeg2000LosslessUid)]
    [InlineData(TransferSyntax.HtJpeg2000RpclLosslessUid)]
    [InlineData(TransferSyntax.HtJpeg2000Uid)]
    public void High_throughput_JPEG_2000_is_accepted_when_proposed_first(string htj2k)
    {
        var request = Request("TBSCREEN", "MODALITY") with
        {
            PresentationContexts = [new PresentationContextProposal(1, DicomUids.DigitalXRayImageStorageForPresentation, [htj2k, TransferSyntax.ExplicitVrLittleEndianUid])],
        };

        var accept = Assert.IsType<AssociateAcceptPdu>(AssociationNegotiator.Negotiate(request, Options, out _));

        Assert.Equal((PresentationContextOutcome.Acceptance, htj2k), (accept.PresentationContexts[0].Outcome, accept.PresentationContexts[0].TransferSyntax));
    }

    /// <summary>Study Root FIND is accepted only by a listener that can answer it (it has a query handler).</summary>
    [Fact]
    public void Study_root_FIND_is_accepted_only_with_a_query_handler()
    {
        var request = Request("TBSCREEN", "MODALITY") with
        {
            PresentationContexts = [new PresentationContextProposal(1, DicomUids.StudyRootQueryRetrieveFind, [TransferSyntax.ExplicitVrLittleEndianUid])],
        };

        var without = Assert.IsType<AssociateAcceptPdu>(AssociationNegotiator.Negotiate(request, Options, out _));
        var with = Assert.IsType<AssociateAcceptPdu>(AssociationNegotiator.Negotiate(request, Options with { QuerySopClasses = [DicomUids.StudyRootQueryRetrieveFind] }, out _));

        Assert.Equal(PresentationContextOutcome.AbstractSyntaxNotSupported, without.PresentationContexts[0].Outcome);
        Assert.Equal(PresentationContextOutcome.Acceptance, with.PresentationContexts[0].Outcome);
    }

    /// <summary>
    /// Role selection (PS3.7 D.3.3.4): the SCP role is granted only for classes a C-GET may return, such a context
    /// prefers an uncompressed little endian syntax, each answered role never exceeds the proposal, and classes
    /// without a sub-item keep the default roles.
    /// </summary>
    [Fact]
    public void Requested_roles_are_granted_only_where_the_node_can_play_the_other_side()
    {
        var options = Options with
        {
            QuerySopClasses = [DicomUids.StudyRootQueryRetrieveGet],
            RetrieveSopClasses = [DicomUids.SecondaryCaptureImageStorage],
        };
        const string ct = "1.2.840.10008.5.1.4.1.1.2";
        var request = Request("TBSCREEN", "MODALITY") with
        {
            PresentationContexts =
            [
                new PresentationContextProposal(1, DicomUids.StudyRootQueryRetrieveGet, [TransferSyntax.ExplicitVrLittleEndianUid]),
                new PresentationContextProposal(3, DicomUids.SecondaryCaptureImageStorage, [TransferSyntax.JpegLsLosslessUid, TransferSyntax.ImplicitVrLittleEndianUid]),
                new PresentationContextProposal(5, ct, [TransferSyntax.ExplicitVrLittleEndianUid]),
                new PresentationContextProposal(7, DicomUids.ComputedRadiographyImageStorage, [TransferSyntax.JpegLsLosslessUid]),
                new PresentationContextProposal(9, DicomUids.ComprehensiveSrStorage, [TransferSyntax.ExplicitVrLittleEndianUid]),
            ],
            UserInformation = new UserInformation(16384, "1.2.3", null)
            {
                RoleSelections =
                [
                    new RoleSelection(DicomUids.SecondaryCaptureImageStorage, RequestorIsScu: false, RequestorIsScp: true),
                    new RoleSelection(ct, RequestorIsScu: false, RequestorIsScp: true), // we store no CT and return none
                    new RoleSelection(DicomUids.ComputedRadiographyImageStorage, RequestorIsScu: true, RequestorIsScp: true), // stored, never returned
                    new RoleSelection(DicomUids.SecondaryCaptureImageStorage, RequestorIsScu: true, RequestorIsScp: false), // a second one: ignored
                ],
            },
        };

        var accept = Assert.IsType<AssociateAcceptPdu>(AssociationNegotiator.Negotiate(request, options, out _));

        Assert.Equal(
            [
                (1, PresentationContextOutcome.Acceptance, TransferSyntax.ExplicitVrLittleEndianUid),
                (3, PresentationContextOutcome.Acceptance, TransferSyntax.ImplicitVrLittleEndianUid), // native beats the requestor's first
                (5, PresentationContextOutcome.AbstractSyntaxNotSupported, TransferSyntax.ExplicitVrLittleEndianUid),
                (7, PresentationContextOutcome.Acceptance, TransferSyntax.JpegLsLosslessUid),
                (9, PresentationContextOutcome.Acceptance, TransferSyntax.ExplicitVrLittleEndianUid),
            ],
            accept.PresentationContexts.Select(c => ((int)c.Id, c.Outcome, c.TransferSyntax)).ToArray());
        Assert.Equal(
            [(DicomUids.SecondaryCaptureImageStorage, false, true), (DicomUids.ComputedRadiographyImageStorage, true, false)],
            accept.UserInformation.RoleSelections.Select(r => (r.SopClassUid, r.RequestorIsScu, r.RequestorIsScp)).ToArray());
        Assert.Equal((true, false), AssociationNegotiator.RolesOf(DicomUids.ComprehensiveSrStorage, accept)); // the default
    }

    [Fact]
    public void Without_a_get_handler_the_SCP_role_and_GET_contexts_are_refused()
    {
        var request = Request("TBSCREEN", "MODALITY") with
        {
            PresentationContexts =
            [
                new PresentationContextProposal(1, DicomUids.StudyRootQueryRetrieveGet, [TransferSyntax.ExplicitVrLittleEndianUid]),
                new PresentationContextProposal(3, DicomUids.SecondaryCaptureImageStorage, [TransferSyntax.ExplicitVrLittleEndianUid]),
            ],
            UserInformation = new UserInformation(16384, "1.2.3", null) { RoleSelections = [new RoleSelection(DicomUids.SecondaryCaptureImageStorage, false, true)] },
        };

        var accept = Assert.IsType<AssociateAcceptPdu>(AssociationNegotiator.Negotiate(request, Options, out _));

        Assert.All(accept.PresentationContexts, c => Assert.Equal(PresentationContextOutcome.AbstractSyntaxNotSupported, c.Outcome));
        Assert.Empty(accept.UserInformation.RoleSelections);
    }

    private static AssociateRequestPdu Request(string called, string calling, string context = DicomUids.ApplicationContext) =>
        new(called, calling, context, [new PresentationContextProposal(1, DicomUids.Verification, [TransferSyntax.ImplicitVrLittleEndianUid])],
            new UserInformation(16384, "1.2.3", null));
}
