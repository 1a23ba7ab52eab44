using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;

using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network.Scp;

/// <summary>
/// The acceptor side of one connection, following the upper layer state machine (PS3.8 9.2): Sta2 waits for
/// A-ASSOCIATE-RQ under ARTIM, Sta6 serves DIMSE messages until release or abort, Sta13 waits for the peer to
/// close. Whatever the peer does ends here: nothing escapes <see cref="RunAsync"/>.
/// </summary>
internal sealed partial class ScpAssociation
{
    private readonly UpperLayerConnection _connection;
    private readonly DicomListenerOptions _options;
    private readonly IStoreHandler _handler;
    private readonly IQueryHandler? _queries;
    private readonly IRetrieveHandler? _retrieves;
    private readonly IGetHandler? _gets;
    private readonly ICommitmentReportHandler? _commitmentReports;
    private readonly AssociationSlots _slots;
    private readonly ILogger _logger;
    private readonly CancellationToken _abortToken;
    private readonly string _label;
    private readonly DicomReader _reader = new();
    private MessageAssembler? _assembler;
    private IReadOnlyDictionary<byte, AcceptedContext> _contexts = new Dictionary<byte, AcceptedContext>();
    private uint _peerMaxPduLength;

    public ScpAssociation(UpperLayerConnection connection, long number, DicomListenerOptions options, ScpServices services, AssociationSlots slots, ILogger logger,
        CancellationToken abortToken)
    {
        _connection = connection;
        _options = options;
        _handler = services.Store;
        _queries = services.Queries;
        _retrieves = services.Moves;
        _gets = services.Gets;
        _commitmentReports = services.CommitmentReports;
        _slots = slots;
        _logger = logger;
        _abortToken = abortToken;
        _label = $"association {number} from {_connection.RemoteEndPoint}";
    }

    public async Task RunAsync()
    {
        await using (_connection.ConfigureAwait(false))
        {
            try
            {
                await RunCoreAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_abortToken.IsCancellationRequested)
            {
                _logger.LogWarning("{Association}: aborted because the listener stopped", _label);
                await _connection.SendAbortQuietlyAsync(AbortSource.ServiceUser, AbortReason.NotSpecified).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or ObjectDisposedException)
            {
                _logger.LogWarning("{Association}: connection lost: {Reason}", _label, e.Message);
            }
            catch (OperationCanceledException)
            {
                // A send deadline passed: the peer stopped reading what we answer. Its problem, not a fault of ours.
                _logger.LogWarning("{Association}: the peer did not take our answer in time; aborting", _label);
                await _connection.SendAbortQuietlyAsync(AbortSource.ServiceUser, AbortReason.NotSpecified).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // A fault of ours must end this association only, never the listener.
                _logger.LogError(e, "{Association}: failed", _label);
                await _connection.SendAbortQuietlyAsync(AbortSource.ServiceProvider, AbortReason.NotSpecified).ConfigureAwait(false);
            }
        }
    }

    private async Task RunCoreAsync()
    {
        Pdu? first;
        try
        {
            first = await _connection.ReadAsync(_options.MaxPduLength, _options.ArtimTimeout, _abortToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("{Association}: no A-ASSOCIATE-RQ within the ARTIM timeout ({Seconds} s); closing", _label, _options.ArtimTimeout.TotalSeconds);
            return; // AA-2: close, nothing to send.
        }
        catch (PduException e)
        {
            await AbortBeforeAssociationAsync(e.Message).ConfigureAwait(false);
            return;
        }

        switch (first)
        {
            case null:
                _logger.LogDebug("{Association}: closed before requesting an association", _label);
                return;
            case AbortPdu:
                return;
            case AssociateRequestPdu request:
                await AssociateAsync(request).ConfigureAwait(false);
                return;
            default:
                await AbortBeforeAssociationAsync($"{first.Type} PDU where A-ASSOCIATE-RQ was expected").ConfigureAwait(false);
                return;
        }
    }

    /// <summary>AA-1 (PS3.8 9.2.2): in Sta2 an unexpected or invalid PDU is answered with A-ABORT, service-user source.</summary>
    private async Task AbortBeforeAssociationAsync(string reason)
    {
        _logger.LogWarning("{Association}: {Reason}; sending A-ABORT", _label, reason);
        await _connection.SendAbortQuietlyAsync(AbortSource.ServiceUser, AbortReason.NotSpecified).ConfigureAwait(false);
        await _connection.WaitForPeerCloseAsync(_options.ArtimTimeout).ConfigureAwait(false);
    }

    private async Task AssociateAsync(AssociateRequestPdu request)
    {
        string peer = $"'{request.CallingAeTitle}' calling '{request.CalledAeTitle}'";
        if (!MessageWriter.CanSendWithin(request.UserInformation.MaxPduLength))
        {
            await AbortBeforeAssociationAsync($"{peer} announced a maximum PDU length of {request.UserInformation.MaxPduLength}, too small for any fragment").ConfigureAwait(false);
            return;
        }

        if (!_slots.TryEnter())
        {
            _logger.LogWarning("{Association}: {Peer} rejected: {Max} associations already active", _label, peer, _options.MaxAssociations);
            await RejectAsync(AssociationNegotiator.LocalLimitExceeded()).ConfigureAwait(false);
            return;
        }

        try
        {
            var answer = AssociationNegotiator.Negotiate(request, _options, out string outcome);
            if (answer is AssociateRejectPdu reject)
            {
                _logger.LogWarning("{Association}: {Peer} rejected: {Outcome}", _label, peer, outcome);
                await RejectAsync(reject).ConfigureAwait(false);
                return;
            }

            var accept = (AssociateAcceptPdu)answer;
            _logger.LogInformation("{Association}: {Peer} accepted: {Outcome}", _label, peer, outcome);
            await SendWithDeadlineAsync(accept).ConfigureAwait(false);
            _contexts = accept.PresentationContexts
                .Where(c => c.Outcome == PresentationContextOutcome.Acceptance)
                .Select(c => Accepted(c, request.PresentationContexts.First(p => p.Id == c.Id).AbstractSyntax, accept))
                .ToDictionary(c => c.Id);
            _peerMaxPduLength = request.UserInformation.MaxPduLength;
            await ServeAsync(request).ConfigureAwait(false);
        }
        finally
        {
            _slots.Exit();
        }
    }

    private async Task RejectAsync(AssociateRejectPdu reject)
    {
        await SendWithDeadlineAsync(reject).ConfigureAwait(false);
        await _connection.WaitForPeerCloseAsync(_options.ArtimTimeout).ConfigureAwait(false);
    }

    /// <summary>Sta6: P-DATA until A-RELEASE-RQ, A-ABORT, a protocol error, the idle timeout, or the connection's end.</summary>
    private async Task ServeAsync(AssociateRequestPdu request)
    {
        var assembler = _assembler = new MessageAssembler(_options.MaxDataSetBytes);
        while (true)
        {
            Pdu? pdu;
            try
            {
                pdu = await _connection.ReadAsync(_options.MaxPduLength, _options.IdleTimeout, _abortToken).ConfigureAwait(false);
                switch (pdu)
                {
                    case null:
                        _logger.LogWarning("{Association}: peer closed the connection without releasing{Partial}", _label, assembler.InProgress ? " in the middle of a message" : string.Empty);
                        return;
                    case DataTransferPdu data:
                        foreach (var pdv in data.Values)
                        {
                            if (!_contexts.TryGetValue(pdv.PresentationContextId, out var context))
                            {
                                throw new PduException(AbortReason.InvalidPduParameterValue, $"PDV on presentation context {pdv.PresentationContextId}, which was not accepted");
                            }

                            if (assembler.Add(pdv) is { } message)
                            {
                                await HandleAsync(request, context, message).ConfigureAwait(false);
                            }
                        }

                        break;
                    case ReleaseRequestPdu:
                        // AR-2, AR-4: answer and wait for the requestor to close (Sta13).
                        _logger.LogInformation("{Association}: released{Partial}", _label, assembler.InProgress ? " (a partial message was dropped)" : string.Empty);
                        await SendWithDeadlineAsync(new ReleaseResponsePdu()).ConfigureAwait(false);
                        await _connection.WaitForPeerCloseAsync(_options.ArtimTimeout).ConfigureAwait(false);
                        return;
                    case AbortPdu abort:
                        _logger.LogWarning("{Association}: peer aborted (source {Source}, reason {Reason}){Partial}", _label, abort.Source, abort.Reason,
                            assembler.InProgress ? "; the partial message was dropped" : string.Empty);
                        return;
                    default:
                        throw new PduException(AbortReason.UnexpectedPdu, $"unexpected {pdu.Type} PDU on an established association");
                }
            }
            catch (TimeoutException)
            {
                _logger.LogWarning("{Association}: idle for {Seconds} s; aborting", _label, _options.IdleTimeout.TotalSeconds);
                await _connection.SendAbortQuietlyAsync(AbortSource.ServiceUser, AbortReason.NotSpecified).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is PduException or DimseFormatException)
            {
                // AA-8: A-ABORT with the service provider as source and the reason, then wait for the close.
                var reason = e is PduException pduError ? pduError.Reason : AbortReason.InvalidPduParameterValue;
                _logger.LogWarning("{Association}: protocol error: {Reason}; sending A-ABORT ({Code})", _label, e.Message, reason);
                await _connection.SendAbortQuietlyAsync(AbortSource.ServiceProvider, reason).ConfigureAwait(false);
                await _connection.WaitForPeerCloseAsync(_options.ArtimTimeout).ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task HandleAsync(AssociateRequestPdu request, AcceptedContext context, DimseMessage message)
    {
        var command = message.Command;
        DimseCommand? response;
        switch (command.CommandField)
        {
            case CommandField.CEchoRequest:
                var echoStatus = context.AbstractSyntax == DicomUids.Verification
                    ? DicomStatus.Success
                    : DicomStatus.SopClassNotSupported($"C-ECHO on a {context.AbstractSyntax} context");
                _logger.LogDebug("{Association}: C-ECHO {Status}", _label, echoStatus);
                response = Response(CommandField.CEchoResponse, command, context, echoStatus);
                break;
            case CommandField.CStoreRequest:
                var storeStatus = await StoreAsync(request, context, message).ConfigureAwait(false);
                response = Response(CommandField.CStoreResponse, command, context, storeStatus) with { AffectedSopInstanceUid = command.AffectedSopInstanceUid };
                break;
            case CommandField.CFindRequest:
                var findStatus = await FindAsync(request, context, message).ConfigureAwait(false);
                response = Response(CommandField.CFindResponse, command, context, findStatus);
                break;
            case CommandField.CMoveRequest:
                await MoveAsync(request, context, message).ConfigureAwait(false);
                response = null; // MoveAsync sends its own final response: it may carry the failed instances
                break;
            case CommandField.CGetRequest:
                await GetAsync(request, context, message).ConfigureAwait(false);
                response = null; // GetAsync sends its pending and final responses
                break;
            case CommandField.NEventReportRequest:
                response = await CommitmentReportAsync(request, context, message).ConfigureAwait(false);
                break;
            case CommandField.CCancelRequest:
                // C-CANCEL has no response. C-FIND and C-GET read theirs while they run; one arriving now comes after its
                // operation ended (or for a C-MOVE, which runs to the end), so nothing is left to cancel.
                response = null;
                break;
            case var field when CommandField.IsResponse(field):
                _logger.LogWarning("{Association}: ignoring an unsolicited response (command field 0x{Field:X4})", _label, field);
                response = null;
                break;
            default:
                _logger.LogWarning("{Association}: unsupported DIMSE request 0x{Field:X4}", _label, command.CommandField);
                response = Response((ushort)(command.CommandField | CommandField.ResponseBit), command, context,
                    DicomStatus.UnrecognizedOperation($"command 0x{command.CommandField:X4} not supported"));
                break;
        }

        if (response is not null)
        {
            await WriteMessageAsync(context.Id, response, null).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// C-FIND: each match goes out as a Pending response carrying its identifier, then the final status
    /// follows (PS3.4 C.4.1.3). Matching keys and return keys come from the request's identifier. A C-CANCEL that
    /// arrives while the matches go out stops them: the final status is then FE00 (PS3.4 C.4.1.3.2).
    /// </summary>
    private async Task<DicomStatus> FindAsync(AssociateRequestPdu request, AcceptedContext context, DimseMessage message)
    {
        if (_queries is null || context.AbstractSyntax is not (DicomUids.PatientRootQueryRetrieveFind or DicomUids.StudyRootQueryRetrieveFind))
        {
            return DicomStatus.SopClassNotSupported($"C-FIND on a {context.AbstractSyntax} context");
        }

        if (ParseIdentifier(message, context, "C-FIND", out var refusal) is not { } identifier)
        {
            return refusal;
        }

        IReadOnlyList<DicomDataset> matches;
        try
        {
            matches = await _queries.FindAsync(identifier, DicomUids.ModelOf(context.AbstractSyntax)!.Value, request.CallingAeTitle, _abortToken).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            return DicomStatus.IdentifierDoesNotMatchSopClass(Truncate(e.Message));
        }
        catch (Exception e) when (e is not OperationCanceledException || !_abortToken.IsCancellationRequested)
        {
            _logger.LogError(e, "{Association}: the query handler failed", _label);
            return DicomStatus.UnableToProcess("the query could not be answered");
        }

        var command = message.Command;
        int sent = 0;
        foreach (var match in matches)
        {
            byte[] bytes = DicomWriter.Write(match, context.TransferSyntax.Uid, new DicomWriterOptions { Preamble = false });
            var pending = Response(CommandField.CFindResponse, command, context, DicomStatus.Pending) with { HasDataSet = true };
            await WriteMessageAsync(context.Id, pending, bytes).ConfigureAwait(false);
            sent++;
            if (sent < matches.Count && _connection.HasIncomingData)
            {
                var received = (await ReadMessageWhileBusyAsync("C-FIND matches were going out").ConfigureAwait(false)).Command;
                if (!IsCancelOf(received, command.MessageId ?? 0))
                {
                    throw new DimseFormatException($"command 0x{received.CommandField:X4} while C-FIND matches were going out");
                }

                _logger.LogInformation("{Association}: C-FIND cancelled after {Sent} of {Count} matches", _label, sent, matches.Count);
                return DicomStatus.Cancelled("cancelled by the requestor");
            }
        }

        _logger.LogInformation("{Association}: C-FIND at {Level} level, {Count} matches", _label, identifier.GetString(0x00080052)?.Trim(), matches.Count);
        return DicomStatus.Success;
    }

    /// <summary>
    /// C-MOVE (PS3.4 C.4.2): the handler sends what the identifier names to the Move Destination by C-STORE
    /// sub-operations, and the final response carries the counts and, when some failed, the Failed SOP Instance UID List
    /// (0008,0058). No Pending responses: they are optional (PS3.4 C.4.2.3), and a result study holds two objects.
    /// </summary>
    private async Task MoveAsync(AssociateRequestPdu request, AcceptedContext context, DimseMessage message)
    {
        var command = message.Command;
        async Task AnswerAsync(DicomStatus status, MoveOutcome outcome)
        {
            var response = Response(CommandField.CMoveResponse, command, context, status) with
            {
                CompletedSuboperations = Count(outcome.Completed),
                FailedSuboperations = Count(outcome.Failed),
                WarningSuboperations = Count(outcome.Warning),
                HasDataSet = outcome.FailedSopInstanceUids.Count > 0,
            };
            byte[]? identifier = outcome.FailedSopInstanceUids.Count > 0 ? FailedInstancesIdentifier(outcome.FailedSopInstanceUids, context) : null;
            await WriteMessageAsync(context.Id, response, identifier).ConfigureAwait(false);
        }

        if (_retrieves is null || context.AbstractSyntax is not (DicomUids.PatientRootQueryRetrieveMove or DicomUids.StudyRootQueryRetrieveMove))
        {
            await AnswerAsync(DicomStatus.SopClassNotSupported($"C-MOVE on a {context.AbstractSyntax} context"), MoveOutcome.Nothing).ConfigureAwait(false);
            return;
        }

        if (ParseIdentifier(message, context, "C-MOVE", out var refusal) is not { } identifier)
        {
            await AnswerAsync(refusal, MoveOutcome.Nothing).ConfigureAwait(false);
            return;
        }

        string destination = command.MoveDestination ?? "";
        DicomStatus final;
        var outcome = MoveOutcome.Nothing;
        try
        {
            outcome = await _retrieves.MoveAsync(identifier, DicomUids.ModelOf(context.AbstractSyntax)!.Value, destination, request.CallingAeTitle, _abortToken).ConfigureAwait(false);
            final = outcome.Failed + outcome.Warning == 0
                ? DicomStatus.Success
                : DicomStatus.SuboperationsCompleteWithFailures($"{outcome.Failed} failed, {outcome.Warning} with warnings");
        }
        catch (MoveDestinationUnknownException e)
        {
            final = DicomStatus.MoveDestinationUnknown(Truncate(e.Message));
        }
        catch (FormatException e)
        {
            final = DicomStatus.IdentifierDoesNotMatchSopClass(Truncate(e.Message));
        }
        catch (DicomNetworkException e)
        {
            _logger.LogWarning("{Association}: C-MOVE to {Destination} could not send: {Reason}", _label, destination, e.Message);
            final = DicomStatus.UnableToPerformSuboperations(Truncate("the destination could not be reached"));
        }
        catch (Exception e) when (e is not OperationCanceledException || !_abortToken.IsCancellationRequested)
        {
            _logger.LogError(e, "{Association}: the retrieve handler failed", _label);
            final = DicomStatus.UnableToProcess("the move could not be carried out");
        }

        _logger.LogInformation("{Association}: C-MOVE to {Destination}: {Completed} sent, {Failed} failed, status 0x{Status:X4}", _label, destination,
            outcome.Completed, outcome.Failed, final.Code);
        await AnswerAsync(final, outcome).ConfigureAwait(false);
    }

    /// <summary>The request's identifier, or null with the A900 refusal: none sent, or one that does not parse.</summary>
    private DicomDataset? ParseIdentifier(DimseMessage message, AcceptedContext context, string operation, out DicomStatus refusal)
    {
        refusal = DicomStatus.Success;
        if (message.DataSet is null)
        {
            refusal = DicomStatus.IdentifierDoesNotMatchSopClass($"{operation}-RQ without an identifier");
            return null;
        }

        try
        {
            return _reader.ParseDataset(message.DataSet, context.TransferSyntax, $"{operation} identifier").Dataset;
        }
        catch (DicomException e)
        {
            refusal = DicomStatus.IdentifierDoesNotMatchSopClass(Truncate("identifier does not parse: " + e.Reason));
            return null;
        }
    }

    /// <summary>The identifier of a final C-MOVE or C-GET response that names the failed objects: Failed SOP Instance UID List (0008,0058).</summary>
    private static byte[] FailedInstancesIdentifier(IReadOnlyList<string> sopInstanceUids, AcceptedContext context) =>
        DicomWriter.Write(new DicomDataset().AddString(0x00080058, "UI", string.Join('\\', sopInstanceUids)), context.TransferSyntax.Uid,
            new DicomWriterOptions { Preamble = false });

    private static ushort Count(int value) => (ushort)Math.Clamp(value, 0, ushort.MaxValue);

    private async Task<DicomStatus> StoreAsync(AssociateRequestPdu request, AcceptedContext context, DimseMessage message)
    {
        var command = message.Command;
        string sopClass = command.AffectedSopClassUid ?? string.Empty;
        string sopInstance = command.AffectedSopInstanceUid ?? string.Empty;
        DicomStatus status;
        if (message.DataSetTooLarge)
        {
            status = DicomStatus.OutOfResources($"data set larger than {_options.MaxDataSetBytes} bytes");
        }
        else if (message.DataSet is null)
        {
            status = DicomStatus.CannotUnderstand("C-STORE-RQ without a data set");
        }
        else if (sopClass != context.AbstractSyntax)
        {
            status = DicomStatus.SopClassNotSupported("SOP class differs from the presentation context's");
        }
        else if (!context.RequestorIsScu)
        {
            status = DicomStatus.SopClassNotSupported("the requestor took only the SCP role on this context");
        }
        else
        {
            status = await ParseAndStoreAsync(request, context, sopClass, sopInstance, message.DataSet).ConfigureAwait(false);
        }

        if (status.IsFailure)
        {
            _logger.LogWarning("{Association}: C-STORE failed with {Status}", _label, status);
        }
        else
        {
            _logger.LogInformation("{Association}: C-STORE {Status} in {Syntax}", _label, status, context.TransferSyntax.Name);
        }

        _logger.LogDebug("{Association}: C-STORE SOP Instance UID {SopInstanceUid}", _label, sopInstance);
        return status;
    }

    private async Task<DicomStatus> ParseAndStoreAsync(AssociateRequestPdu request, AcceptedContext context, string sopClass, string sopInstance, byte[] bytes)
    {
        DicomDataset dataSet;
        try
        {
            dataSet = _reader.ParseDataset(bytes, context.TransferSyntax, "C-STORE data set").Dataset;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            string reason = e is DicomException dicom ? dicom.Reason : e.GetType().Name;
            return DicomStatus.CannotUnderstand(Truncate("data set does not parse: " + reason));
        }

        if (dataSet.GetString(DicomTag.SopClassUid) != sopClass)
        {
            return DicomStatus.DataSetDoesNotMatchSopClass("SOP Class UID in the data set differs from the command");
        }

        if (dataSet.GetString(DicomTag.SopInstanceUid) != sopInstance)
        {
            return DicomStatus.CannotUnderstand("SOP Instance UID in the data set differs from the command");
        }

        var instance = new StoredInstance(request.CallingAeTitle, request.CalledAeTitle, _connection.RemoteEndPoint, sopClass, sopInstance, context.TransferSyntax, bytes, dataSet);
        try
        {
            return await _handler.StoreAsync(instance, _abortToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_abortToken.IsCancellationRequested)
        {
            _logger.LogError(e, "{Association}: the store handler failed", _label);
            return DicomStatus.OutOfResources("the receiver could not store the instance");
        }
    }

    private static DimseCommand Response(ushort field, DimseCommand request, AcceptedContext context, DicomStatus status) => new()
    {
        CommandField = field,
        AffectedSopClassUid = request.AffectedSopClassUid ?? context.AbstractSyntax,
        MessageIdBeingRespondedTo = request.MessageId ?? 0,
        HasDataSet = false,
        Status = status.Code,
        ErrorComment = status.CommentForWire,
    };

    /// <summary>Error Comment is LO: 64 characters at most (PS3.7 C.4.1, PS3.5 6.2).</summary>
    private static string Truncate(string comment) => comment.Length <= 64 ? comment : comment[..64];

    /// <summary>One DIMSE message to the peer, within the idle timeout and the peer's maximum PDU length.</summary>
    private async Task WriteMessageAsync(byte contextId, DimseCommand command, ReadOnlyMemory<byte>? dataSet)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_abortToken);
        deadline.CancelAfter(_options.IdleTimeout);
        await MessageWriter.WriteAsync(_connection.Stream, contextId, command, dataSet, _peerMaxPduLength, deadline.Token).ConfigureAwait(false);
    }

    private static AcceptedContext Accepted(PresentationContextResult result, string abstractSyntax, AssociateAcceptPdu accept)
    {
        var (requestorIsScu, requestorIsScp) = AssociationNegotiator.RolesOf(abstractSyntax, accept);
        return new AcceptedContext(result.Id, abstractSyntax, TransferSyntax.Lookup(result.TransferSyntax), requestorIsScu, requestorIsScp);
    }

    private async Task SendWithDeadlineAsync(Pdu pdu)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_abortToken);
        deadline.CancelAfter(_options.ArtimTimeout);
        await _connection.SendAsync(pdu, deadline.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// An accepted context and the requestor's roles on it: SCU to send us requests, SCP to take the C-STORE
    /// sub-operations of a C-GET.
    /// </summary>
    private sealed record AcceptedContext(byte Id, string AbstractSyntax, TransferSyntax TransferSyntax, bool RequestorIsScu, bool RequestorIsScp);
}
