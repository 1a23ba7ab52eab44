using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;
using TbScreen.Dicom.Network.Scu;

namespace TbScreen.Dicom.Network.Scp;

/// <summary>C-GET (PS3.4 C.4.3): the objects go back over the requestor's own association.</summary>
internal sealed partial class ScpAssociation
{
    private readonly Queue<DimseMessage> _inbox = new();
    private ushort _lastSubOperationId;

    /// <summary>
    /// Resolves the identifier with the get handler, then sends each object by a C-STORE sub-operation on a context
    /// where the requestor took the SCP role, waiting for its C-STORE-RSP before the next (no asynchronous operations
    /// are negotiated). A Pending response with the counts follows each sub-operation but the last; a C-CANCEL stops
    /// after the sub-operation in flight (FE00). The final response carries the counts and, when any failed, the
    /// Failed SOP Instance UID List. The handler records the outcome even when the peer goes away half-way.
    /// </summary>
    private async Task GetAsync(AssociateRequestPdu request, AcceptedContext context, DimseMessage message)
    {
        var command = message.Command;
        if (_gets is null || context.AbstractSyntax is not (DicomUids.PatientRootQueryRetrieveGet or DicomUids.StudyRootQueryRetrieveGet))
        {
            await AnswerGetAsync(command, context, DicomStatus.SopClassNotSupported($"C-GET on a {context.AbstractSyntax} context"), GetProgress.None).ConfigureAwait(false);
            return;
        }

        if (ParseIdentifier(message, context, "C-GET", out var refusal) is not { } identifier)
        {
            await AnswerGetAsync(command, context, refusal, GetProgress.None).ConfigureAwait(false);
            return;
        }

        IReadOnlyList<RetrievableInstance> instances;
        try
        {
            instances = await _gets.ResolveAsync(identifier, DicomUids.ModelOf(context.AbstractSyntax)!.Value, _abortToken).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            await AnswerGetAsync(command, context, DicomStatus.IdentifierDoesNotMatchSopClass(Truncate(e.Message)), GetProgress.None).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException || !_abortToken.IsCancellationRequested)
        {
            _logger.LogError(e, "{Association}: the get handler failed", _label);
            await AnswerGetAsync(command, context, DicomStatus.UnableToProcess("the get could not be carried out"), GetProgress.None).ConfigureAwait(false);
            return;
        }

        string level = identifier.GetString(0x00080052)?.Trim() ?? "";
        var progress = new GetProgress(instances.Count);
        try
        {
            foreach (var instance in instances)
            {
                progress.Record(instance.SopInstanceUid, await SendSubOperationAsync(instance, command.MessageId ?? 0, progress).ConfigureAwait(false));
                if (progress.Cancelled || progress.Remaining == 0)
                {
                    break;
                }

                await AnswerGetAsync(command, context, DicomStatus.Pending, progress).ConfigureAwait(false);
            }
        }
        finally
        {
            await RecordGetAsync(request.CallingAeTitle, level, progress).ConfigureAwait(false);
        }

        var final = progress.Cancelled ? DicomStatus.Cancelled("cancelled by the requestor")
            : progress.Failed + progress.Warning == 0 ? DicomStatus.Success
            : DicomStatus.SuboperationsCompleteWithFailures($"{progress.Failed} failed, {progress.Warning} with warnings");
        _logger.LogInformation("{Association}: C-GET at {Level} level: {Completed} sent, {Failed} failed, {Remaining} not attempted, status 0x{Status:X4}", _label, level,
            progress.Completed, progress.Failed, progress.Remaining, final.Code);
        await AnswerGetAsync(command, context, final, progress).ConfigureAwait(false);
    }

    /// <summary>One C-STORE sub-operation; a failure of this object (gone, unreadable, no context to send it on) is its status, not an exception.</summary>
    private async Task<DicomStatus> SendSubOperationAsync(RetrievableInstance instance, ushort getMessageId, GetProgress progress)
    {
        OutgoingInstance outgoing;
        try
        {
            if (instance.Load() is not { } part10)
            {
                return DicomStatus.OutOfResources("the object is no longer stored");
            }

            outgoing = OutgoingInstance.FromPart10(part10, "C-GET object");
        }
        catch (Exception e) when (e is DicomException or IOException)
        {
            _logger.LogWarning("{Association}: C-GET object cannot be sent: {Reason}", _label, e is DicomException d ? d.Reason : e.Message);
            return DicomStatus.OutOfResources("the object could not be read");
        }

        var offered = _contexts.Values.Where(c => c.RequestorIsScp && c.AbstractSyntax == outgoing.SopClassUid).ToList();
        if (outgoing.SendableAs(offered.Select(c => c.TransferSyntax).ToList()) is not { } syntax)
        {
            _logger.LogWarning("{Association}: C-GET: the requestor took the SCP role for SOP class {SopClass} in no syntax we can send {Syntax} in",
                _label, outgoing.SopClassUid, outgoing.TransferSyntax.Name);
            return DicomStatus.SopClassNotSupported("no context to send this object on");
        }

        var storeContext = offered.First(c => c.TransferSyntax == syntax);
        ushort id = ++_lastSubOperationId;
        var store = new DimseCommand
        {
            CommandField = CommandField.CStoreRequest,
            AffectedSopClassUid = outgoing.SopClassUid,
            AffectedSopInstanceUid = outgoing.SopInstanceUid,
            MessageId = id,
            Priority = 0x0000,
            HasDataSet = true,
        };
        await WriteMessageAsync(storeContext.Id, store, outgoing.DataSetIn(syntax)).ConfigureAwait(false);

        var response = await AwaitStoreResponseAsync(id, getMessageId, progress).ConfigureAwait(false);
        return response.Status is { } code ? new DicomStatus(code, response.ErrorComment) : DicomStatus.CannotUnderstand("C-STORE-RSP without a status");
    }

    /// <summary>
    /// Reads until the C-STORE-RSP to <paramref name="storeMessageId"/> arrives. A C-CANCEL for the C-GET marks it
    /// cancelled; anything else is a protocol error (no asynchronous operations were negotiated) and aborts.
    /// </summary>
    private async Task<DimseCommand> AwaitStoreResponseAsync(ushort storeMessageId, ushort getMessageId, GetProgress progress)
    {
        while (true)
        {
            var received = (await ReadMessageWhileBusyAsync("a C-GET sub-operation was outstanding").ConfigureAwait(false)).Command;
            if (received.CommandField == CommandField.CStoreResponse && received.MessageIdBeingRespondedTo == storeMessageId)
            {
                return received;
            }

            if (!IsCancelOf(received, getMessageId))
            {
                throw new DimseFormatException($"command 0x{received.CommandField:X4} while a C-GET sub-operation was outstanding");
            }

            progress.Cancel();
        }
    }

    private static bool IsCancelOf(DimseCommand received, ushort messageId) =>
        received.CommandField == CommandField.CCancelRequest && received.MessageIdBeingRespondedTo == messageId;

    /// <summary>
    /// The next whole message while an operation of ours runs (<paramref name="busy"/> says which, for the error). The
    /// peer closing or aborting ends the association; another PDU than P-DATA is a protocol error.
    /// </summary>
    private async Task<DimseMessage> ReadMessageWhileBusyAsync(string busy)
    {
        var assembler = _assembler ?? throw new InvalidOperationException("No association is being served.");
        while (true)
        {
            if (_inbox.TryDequeue(out var waiting))
            {
                return waiting;
            }

            var pdu = await _connection.ReadAsync(_options.MaxPduLength, _options.IdleTimeout, _abortToken).ConfigureAwait(false);
            switch (pdu)
            {
                case null:
                    throw new EndOfStreamException($"the peer closed the connection while {busy}");
                case AbortPdu abort:
                    throw new EndOfStreamException($"the peer aborted while {busy} (source {abort.Source}, reason {abort.Reason})");
                case DataTransferPdu data:
                    foreach (var pdv in data.Values)
                    {
                        if (!_contexts.ContainsKey(pdv.PresentationContextId))
                        {
                            throw new PduException(AbortReason.InvalidPduParameterValue, $"PDV on presentation context {pdv.PresentationContextId}, which was not accepted");
                        }

                        if (assembler.Add(pdv) is { } message)
                        {
                            _inbox.Enqueue(message);
                        }
                    }

                    break;
                default:
                    throw new PduException(AbortReason.UnexpectedPdu, $"{pdu.Type} PDU while {busy}");
            }
        }
    }

    private async Task AnswerGetAsync(DimseCommand request, AcceptedContext context, DicomStatus status, GetProgress progress)
    {
        bool final = !status.IsPending;
        var response = Response(CommandField.CGetResponse, request, context, status) with
        {
            // Remaining goes with Pending, and with a cancel's final answer (PS3.4 C.4.3.1.3).
            RemainingSuboperations = final && !progress.Cancelled ? null : Count(progress.Remaining),
            CompletedSuboperations = Count(progress.Completed),
            FailedSuboperations = Count(progress.Failed),
            WarningSuboperations = Count(progress.Warning),
            HasDataSet = final && progress.FailedSopInstanceUids.Count > 0,
        };
        byte[]? identifier = response.HasDataSet ? FailedInstancesIdentifier(progress.FailedSopInstanceUids, context) : null;
        await WriteMessageAsync(context.Id, response, identifier).ConfigureAwait(false);
    }

    /// <summary>The outcome goes to the handler's audit whatever happened; a failing audit is logged, never the peer's problem.</summary>
    private async Task RecordGetAsync(string callingAeTitle, string level, GetProgress progress)
    {
        try
        {
            // Not the abort token: objects that left must be recorded even when the listener is stopping.
            await _gets!.RecordAsync(callingAeTitle, level, progress.Outcome(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "{Association}: the C-GET could not be recorded", _label);
        }
    }

    /// <summary>Counts of one C-GET's sub-operations as they end.</summary>
    private sealed class GetProgress(int total)
    {
        private readonly List<string> _failed = [];

        public static GetProgress None => new(0);

        public int Completed { get; private set; }

        public int Failed => _failed.Count;

        public int Warning { get; private set; }

        public int Remaining => total - Completed - Failed - Warning;

        public bool Cancelled { get; private set; }

        public IReadOnlyList<string> FailedSopInstanceUids => _failed;

        public void Cancel() => Cancelled = true;

        public void Record(string sopInstanceUid, DicomStatus status)
        {
            if (status.IsSuccess)
            {
                Completed++;
            }
            else if (status.IsWarning)
            {
                Warning++;
            }
            else
            {
                _failed.Add(sopInstanceUid);
            }
        }

        public GetOutcome Outcome() => new(Completed, Failed, Warning, Remaining, Cancelled, [.. _failed]);
    }
}
