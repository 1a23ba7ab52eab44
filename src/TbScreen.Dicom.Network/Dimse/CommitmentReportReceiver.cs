using Microsoft.Extensions.Logging;

namespace TbScreen.Dicom.Network.Dimse;

/// <summary>
/// Takes one N-EVENT-REPORT-RQ of a Storage Commitment result (PS3.4 J.3.3, PS3.7 10.1.1) and builds its response,
/// wherever it arrives: on an association the archive opened to our listener, or on the one we opened to ask. The
/// report goes to the handler; the response echoes the event type and the well-known instance. A report that does not
/// parse is answered 0115 (invalid argument value), an unknown event type 0113, another class or instance 0118 or
/// 0117, a handler failure 0110 (processing failure, so the archive sends it again).
/// </summary>
internal static class CommitmentReportReceiver
{
    public static async Task<DimseCommand> AnswerAsync(DimseMessage message, string contextAbstractSyntax, TransferSyntax syntax, string callingAeTitle,
        ICommitmentReportHandler? handler, DicomReader reader, ILogger logger, string label, CancellationToken cancellationToken)
    {
        var command = message.Command;
        var status = await ReceiveAsync(message, contextAbstractSyntax, syntax, callingAeTitle, handler, reader, logger, label, cancellationToken).ConfigureAwait(false);
        if (status.IsFailure)
        {
            logger.LogWarning("{Association}: Storage Commitment report refused with {Status}", label, status);
        }

        return new DimseCommand
        {
            CommandField = CommandField.NEventReportResponse,
            AffectedSopClassUid = command.AffectedSopClassUid ?? contextAbstractSyntax,
            AffectedSopInstanceUid = command.AffectedSopInstanceUid,
            MessageIdBeingRespondedTo = command.MessageId ?? 0,
            EventTypeId = command.EventTypeId,
            Status = status.Code,
            ErrorComment = status.CommentForWire,
        };
    }

    private static async Task<DicomStatus> ReceiveAsync(DimseMessage message, string contextAbstractSyntax, TransferSyntax syntax, string callingAeTitle,
        ICommitmentReportHandler? handler, DicomReader reader, ILogger logger, string label, CancellationToken cancellationToken)
    {
        var command = message.Command;
        if (handler is null || contextAbstractSyntax != DicomUids.StorageCommitmentPushModel || command.AffectedSopClassUid != DicomUids.StorageCommitmentPushModel)
        {
            return new DicomStatus(0x0118, $"N-EVENT-REPORT on a {contextAbstractSyntax} context is not taken here"); // no such SOP class
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
                : reader.ParseDataset(message.DataSet, syntax, "Storage Commitment report").Dataset;
            report = StorageCommitment.ParseReport(dataSet, command.EventTypeId.Value, callingAeTitle);
        }
        catch (Exception e) when (e is FormatException or DicomException)
        {
            return new DicomStatus(0x0115, e is DicomException dicom ? dicom.Reason : e.Message); // invalid argument value
        }

        try
        {
            var status = await handler.ReportAsync(report, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("{Association}: Storage Commitment report for transaction {Transaction}: {Committed} committed, {Failed} failed",
                label, report.TransactionUid, report.Committed.Count, report.Failed.Count);
            return status;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "{Association}: the Storage Commitment report handler failed", label);
            return new DicomStatus(0x0110, "the report could not be recorded");
        }
    }
}
