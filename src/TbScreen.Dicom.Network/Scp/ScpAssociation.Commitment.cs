using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;

namespace TbScreen.Dicom.Network.Scp;

internal sealed partial class ScpAssociation
{
    /// <summary>
    /// N-EVENT-REPORT of a Storage Commitment result (PS3.4 J.3.3, PS3.7 10.1.1): the report goes to the handler, and
    /// the response echoes the event type and the well-known instance. A report that does not parse is answered 0115
    /// (invalid argument value), an unknown event type 0113, any other class or instance 0118 or 0117.
    /// </summary>
    private async Task<DimseCommand> CommitmentReportAsync(AssociateRequestPdu request, AcceptedContext context, DimseMessage message)
    {
        var command = message.Command;
        var response = Response(CommandField.NEventReportResponse, command, context, DicomStatus.Success) with
        {
            AffectedSopInstanceUid = command.AffectedSopInstanceUid,
            EventTypeId = command.EventTypeId,
        };
        var status = await ReceiveCommitmentReportAsync(request, context, message).ConfigureAwait(false);
        if (status.IsFailure)
        {
            _logger.LogWarning("{Association}: Storage Commitment report refused with {Status}", _label, status);
        }

        return response with { Status = status.Code, ErrorComment = status.CommentForWire };
    }

    private async Task<DicomStatus> ReceiveCommitmentReportAsync(AssociateRequestPdu request, AcceptedContext context, DimseMessage message)
    {
        var command = message.Command;
        if (_commitmentReports is null || context.AbstractSyntax != DicomUids.StorageCommitmentPushModel || command.AffectedSopClassUid != DicomUids.StorageCommitmentPushModel)
        {
            return new DicomStatus(0x0118, $"N-EVENT-REPORT on a {context.AbstractSyntax} context is not taken here"); // no such SOP class
        }

        if (command.AffectedSopInstanceUid != DicomUids.StorageCommitmentPushModelInstance)
        {
            return new DicomStatus(0x0117, "not the Storage Commitment well-known instance"); // invalid SOP instance
        }

        if (command.EventTypeId is not (StorageCommitment.AllCommitted or StorageCommitment.FailuresExist))
        {
            return new DicomStatus(0x0113, $"event type {command.EventTypeId} is not a Storage Commitment result"); // no such event type
        }

        CommitmentReport report;
        try
        {
            var dataSet = message.DataSet is null
                ? throw new FormatException("the report carries no data set")
                : _reader.ParseDataset(message.DataSet, context.TransferSyntax, "Storage Commitment report").Dataset;
            report = StorageCommitment.ParseReport(dataSet, command.EventTypeId.Value, request.CallingAeTitle);
        }
        catch (Exception e) when (e is FormatException or DicomException)
        {
            return new DicomStatus(0x0115, Truncate(e is DicomException dicom ? dicom.Reason : e.Message)); // invalid argument value
        }

        try
        {
            var status = await _commitmentReports.ReportAsync(report, _abortToken).ConfigureAwait(false);
            _logger.LogInformation("{Association}: Storage Commitment report for transaction {Transaction}: {Committed} committed, {Failed} failed",
                _label, report.TransactionUid, report.Committed.Count, report.Failed.Count);
            return status;
        }
        catch (Exception e) when (e is not OperationCanceledException || !_abortToken.IsCancellationRequested)
        {
            _logger.LogError(e, "{Association}: the Storage Commitment report handler failed", _label);
            return new DicomStatus(0x0110, "the report could not be recorded"); // processing failure: the archive sends it again
        }
    }
}
