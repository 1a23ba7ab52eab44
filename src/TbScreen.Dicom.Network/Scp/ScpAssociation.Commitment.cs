using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;

namespace TbScreen.Dicom.Network.Scp;

internal sealed partial class ScpAssociation
{
    /// <summary>N-EVENT-REPORT of a Storage Commitment result on an association the archive opened to us.</summary>
    private Task<DimseCommand> CommitmentReportAsync(AssociateRequestPdu request, AcceptedContext context, DimseMessage message) =>
        CommitmentReportReceiver.AnswerAsync(message, context.AbstractSyntax, context.TransferSyntax, request.CallingAeTitle, _commitmentReports, _reader, _logger,
            _label, _abortToken);
}
