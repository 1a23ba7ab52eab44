using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;

namespace TbScreen.Dicom.Network.Scu;

/// <summary>
/// The requestor side of one association (PS3.8 9.2, Sta4 to Sta7): connect, negotiate, exchange DIMSE messages
/// one at a time, release. Every failure becomes a <see cref="DicomNetworkException"/> naming the peer.
/// </summary>
internal sealed class ScuAssociation : IAsyncDisposable
{
    private readonly UpperLayerConnection _connection;
    private readonly DicomClientOptions _options;
    private readonly ILogger _logger;
    private readonly string _peer;
    private readonly uint _peerMaxPduLength;
    private readonly MessageAssembler _assembler;
    private readonly Queue<DimseMessage> _ready = new();
    private bool _open = true;

    private ScuAssociation(UpperLayerConnection connection, DicomClientOptions options, ILogger logger, string peer, AssociateAcceptPdu accept,
        IReadOnlyList<PresentationContextProposal> proposals, int maxDataSetBytes)
    {
        _assembler = new MessageAssembler(maxDataSetBytes);
        _connection = connection;
        _options = options;
        _logger = logger;
        _peer = peer;
        _peerMaxPduLength = accept.UserInformation.MaxPduLength;
        Contexts = accept.PresentationContexts
            .Select(r => new NegotiatedContext(r.Id, proposals.First(p => p.Id == r.Id).AbstractSyntax, r.Outcome, r.Outcome == PresentationContextOutcome.Acceptance ? TransferSyntax.Lookup(r.TransferSyntax) : null))
            .ToList();
    }

    public IReadOnlyList<NegotiatedContext> Contexts { get; }

    /// <summary>The roles the acceptor agreed to (PS3.7 D.3.3.4); empty: the default roles on every context.</summary>
    public IReadOnlyList<RoleSelection> AgreedRoles { get; private init; } = [];

    /// <param name="tls">The loaded credentials of <see cref="DicomClientOptions.Tls"/>; null connects in plain TCP.</param>
    /// <param name="roles">SCP/SCU roles to propose (a C-GET takes the SCP role for the storage classes it receives).</param>
    /// <param name="maxDataSetBytes">The largest data set taken from the peer: an identifier, or a whole object for a C-GET.</param>
    public static async Task<ScuAssociation> OpenAsync(DicomPeer peer, IReadOnlyList<PresentationContextProposal> proposals, DicomClientOptions options,
        Lazy<DicomTlsClientCredentials>? tls, ILogger logger, CancellationToken cancellationToken, IReadOnlyList<RoleSelection>? roles = null,
        int maxDataSetBytes = MessageAssembler.MaxCommandBytes)
    {
        string name = peer.ToString();
        var socket = await ConnectAsync(peer, options, cancellationToken).ConfigureAwait(false);
        var connection = tls is not null
            ? await UpperLayerConnection.OverTlsAsync(socket, name, (stream, token) => stream.AuthenticateAsClientAsync(tls.Value.For(peer.Host), token),
                options.AssociationTimeout, cancellationToken).ConfigureAwait(false)
            : new UpperLayerConnection(socket);
        try
        {
            var request = new AssociateRequestPdu(peer.AeTitle, options.CallingAeTitle, DicomUids.ApplicationContext, proposals,
                new UserInformation(options.MaxPduLength, DicomUids.ImplementationClassUid, DicomUids.ImplementationVersionName) { RoleSelections = roles ?? [] });
            using (var deadline = Deadline(options.AssociationTimeout, cancellationToken))
            {
                await connection.SendAsync(request, deadline.Token).ConfigureAwait(false);
            }

            var answer = await ReadAsync(connection, name, options.MaxPduLength, options.AssociationTimeout, "A-ASSOCIATE response", cancellationToken).ConfigureAwait(false);
            switch (answer)
            {
                case AssociateAcceptPdu accept:
                    try
                    {
                        Validate(accept, proposals, name);
                    }
                    catch (AssociationAbortedException e)
                    {
                        await connection.SendAbortQuietlyAsync(e.AbortSource, e.AbortReason).ConfigureAwait(false);
                        throw;
                    }

                    logger.LogDebug("Associated with {Peer}: {Accepted} of {Proposed} presentation contexts accepted", name,
                        accept.PresentationContexts.Count(c => c.Outcome == PresentationContextOutcome.Acceptance), proposals.Count);
                    return new ScuAssociation(connection, options, logger, name, accept, proposals, maxDataSetBytes) { AgreedRoles = accept.UserInformation.RoleSelections };
                case AssociateRejectPdu reject:
                    throw new AssociationRejectedException(name, reject.Result, reject.Source, reject.Reason);
                case AbortPdu abort:
                    throw new AssociationAbortedException(name, abort.Source, abort.Reason, $"peer aborted the association request (source {abort.Source}, reason {abort.Reason})");
                default:
                    await connection.SendAbortQuietlyAsync(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu).ConfigureAwait(false);
                    throw new AssociationAbortedException(name, AbortSource.ServiceProvider, AbortReason.UnexpectedPdu, $"peer answered A-ASSOCIATE-RQ with {answer.Type}");
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends a request and returns the response command that answers it (PS3.7 9.3: responses carry the request's message ID).</summary>
    public async Task<DimseCommand> RequestAsync(NegotiatedContext context, DimseCommand request, ReadOnlyMemory<byte>? dataSet, CancellationToken cancellationToken) =>
        (await ExchangeAsync(context, request, dataSet, onPending: null, cancellationToken).ConfigureAwait(false)).Command;

    /// <summary>
    /// Sends a request and reads its responses: with <paramref name="onPending"/>, each Pending one (FF00, FF01) goes to
    /// it and the final one is returned (C-FIND, C-MOVE, C-GET); without, the first answer is returned. With
    /// <paramref name="onStore"/>, a C-STORE-RQ the peer sends meanwhile (a C-GET's sub-operation) is answered with the
    /// status it returns.
    /// </summary>
    public async Task<DimseMessage> ExchangeAsync(NegotiatedContext context, DimseCommand request, ReadOnlyMemory<byte>? dataSet, Action<DimseMessage>? onPending,
        CancellationToken cancellationToken, Func<DimseMessage, NegotiatedContext, Task<DicomStatus>>? onStore = null)
    {
        await SendMessageAsync(context.Id, request, dataSet, "the request", cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var message = await ReadMessageAsync(cancellationToken).ConfigureAwait(false);
            var command = message.Command;
            if (CommandField.IsResponse(command.CommandField) && command.MessageIdBeingRespondedTo == request.MessageId)
            {
                if (onPending is null || !new DicomStatus(command.Status ?? 0).IsPending)
                {
                    return message;
                }

                onPending(message);
            }
            else if (command.CommandField == CommandField.CStoreRequest && onStore is not null)
            {
                await AnswerStoreAsync(message, onStore, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                _logger.LogWarning("{Peer}: ignoring a message that answers no request of ours (command 0x{Field:X4})", _peer, command.CommandField);
            }
        }
    }

    /// <summary>A C-STORE sub-operation of our C-GET: the handler's status goes back on the context it came on.</summary>
    private async Task AnswerStoreAsync(DimseMessage message, Func<DimseMessage, NegotiatedContext, Task<DicomStatus>> onStore, CancellationToken cancellationToken)
    {
        var command = message.Command;
        if (Contexts.FirstOrDefault(c => c.Id == message.PresentationContextId && c.TransferSyntax is not null) is not { } context)
        {
            await AbortAsync(AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue).ConfigureAwait(false);
            throw new AssociationAbortedException(_peer, AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue,
                $"C-STORE-RQ on presentation context {message.PresentationContextId}, which was not accepted");
        }

        var status = message.DataSetTooLarge ? DicomStatus.OutOfResources("data set larger than this requestor takes")
            // An acceptor that answered no role at all gets the benefit of the doubt: we asked for these objects.
            : AgreedRoles.Count > 0 && !AgreedRoles.Any(r => r.SopClassUid == context.AbstractSyntax && r.RequestorIsScp)
                ? DicomStatus.SopClassNotSupported("we took no SCP role on this context")
            : message.DataSet is null ? DicomStatus.CannotUnderstand("C-STORE-RQ without a data set")
            : await onStore(message, context).ConfigureAwait(false);
        var response = new DimseCommand
        {
            CommandField = CommandField.CStoreResponse,
            AffectedSopClassUid = command.AffectedSopClassUid,
            AffectedSopInstanceUid = command.AffectedSopInstanceUid,
            MessageIdBeingRespondedTo = command.MessageId ?? 0,
            Status = status.Code,
            ErrorComment = status.CommentForWire,
        };
        await SendMessageAsync(context.Id, response, null, "a C-STORE response", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One DIMSE message to the peer within the response timeout; a late or lost send becomes a typed error naming the peer.</summary>
    private async Task SendMessageAsync(byte contextId, DimseCommand command, ReadOnlyMemory<byte>? dataSet, string what, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(_options.ResponseTimeout, cancellationToken);
        try
        {
            await MessageWriter.WriteAsync(_connection.Stream, contextId, command, dataSet, _peerMaxPduLength, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            await AbortAsync().ConfigureAwait(false);
            throw new DicomTimeoutException(_peer, $"could not send {what} within {_options.ResponseTimeout.TotalSeconds:0.###} s", e);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            _open = false;
            throw new DicomNetworkException(_peer, $"connection lost while sending: {e.Message}", e);
        }
    }

    /// <summary>The next whole message the peer sends.</summary>
    private async Task<DimseMessage> ReadMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_ready.TryDequeue(out var ready))
            {
                return ready;
            }

            var pdu = await ReadAsync(_connection, _peer, _options.MaxPduLength, _options.ResponseTimeout, "DIMSE response", cancellationToken, this).ConfigureAwait(false);
            switch (pdu)
            {
                case DataTransferPdu data:
                    foreach (var pdv in data.Values)
                    {
                        DimseMessage? message;
                        try
                        {
                            message = _assembler.Add(pdv);
                        }
                        catch (Exception e) when (e is PduException or DimseFormatException)
                        {
                            var reason = e is PduException p ? p.Reason : AbortReason.InvalidPduParameterValue;
                            await AbortAsync(AbortSource.ServiceProvider, reason).ConfigureAwait(false);
                            throw new AssociationAbortedException(_peer, AbortSource.ServiceProvider, reason, $"protocol error in the response: {e.Message}");
                        }

                        if (message is not null)
                        {
                            _ready.Enqueue(message); // one PDU may carry several messages (C-FIND pendings)
                        }
                    }

                    break;
                case AbortPdu abort:
                    _open = false;
                    throw new AssociationAbortedException(_peer, abort.Source, abort.Reason, $"peer aborted the association (source {abort.Source}, reason {abort.Reason})");
                default:
                    await AbortAsync(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu).ConfigureAwait(false);
                    throw new AssociationAbortedException(_peer, AbortSource.ServiceProvider, AbortReason.UnexpectedPdu, $"unexpected {pdu.Type} PDU while waiting for a response");
            }
        }
    }

    /// <summary>
    /// A-RELEASE (PS3.8 7.2): a peer that does not answer in time is simply disconnected; the work is done. With
    /// <paramref name="onRequest"/>, a request the peer sends before it answers the release (in Sta7 P-DATA still flows
    /// both ways: an archive's Storage Commitment report on the association we opened) is answered with the response
    /// it returns; without, such messages are dropped with a warning.
    /// </summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken, Func<DimseMessage, NegotiatedContext, Task<DimseCommand>>? onRequest = null)
    {
        if (!_open)
        {
            return;
        }

        try
        {
            while (onRequest is not null && _ready.TryDequeue(out var early))
            {
                await AnswerDuringReleaseAsync(early, onRequest, cancellationToken).ConfigureAwait(false);
            }

            _open = false;
            using (var deadline = Deadline(_options.AssociationTimeout, cancellationToken))
            {
                await _connection.SendAsync(new ReleaseRequestPdu(), deadline.Token).ConfigureAwait(false);
            }

            var answer = await _connection.ReadAsync(_options.MaxPduLength, _options.AssociationTimeout, cancellationToken).ConfigureAwait(false);
            while (answer is DataTransferPdu data && onRequest is not null)
            {
                foreach (var pdv in data.Values)
                {
                    if (_assembler.Add(pdv) is { } message)
                    {
                        await AnswerDuringReleaseAsync(message, onRequest, cancellationToken).ConfigureAwait(false);
                    }
                }

                answer = await _connection.ReadAsync(_options.MaxPduLength, _options.AssociationTimeout, cancellationToken).ConfigureAwait(false);
            }

            if (answer is not ReleaseResponsePdu)
            {
                _logger.LogWarning("{Peer}: answered A-RELEASE-RQ with {Answer}", _peer, answer?.Type.ToString() ?? "a closed connection");
            }
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or PduException or DimseFormatException or OperationCanceledException
            or DicomNetworkException)
        {
            _open = false;
            _logger.LogWarning("{Peer}: release did not complete cleanly: {Reason}", _peer, e.Message);
        }
    }

    /// <summary>A request that arrived while we released: answered on its own context, if that context was accepted.</summary>
    private async Task AnswerDuringReleaseAsync(DimseMessage message, Func<DimseMessage, NegotiatedContext, Task<DimseCommand>> onRequest, CancellationToken cancellationToken)
    {
        if (CommandField.IsResponse(message.Command.CommandField)
            || Contexts.FirstOrDefault(c => c.Id == message.PresentationContextId && c.TransferSyntax is not null) is not { } context)
        {
            _logger.LogWarning("{Peer}: ignoring a message during release (command 0x{Field:X4})", _peer, message.Command.CommandField);
            return;
        }

        var response = await onRequest(message, context).ConfigureAwait(false);
        await SendMessageAsync(context.Id, response, null, "an answer during release", cancellationToken).ConfigureAwait(false);
    }

    public async Task AbortAsync(AbortSource source = AbortSource.ServiceUser, AbortReason reason = AbortReason.NotSpecified)
    {
        if (_open)
        {
            _open = false;
            await _connection.SendAbortQuietlyAsync(source, reason).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await AbortAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<Socket> ConnectAsync(DicomPeer peer, DicomClientOptions options, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var deadline = Deadline(options.ConnectTimeout, cancellationToken);
        try
        {
            await socket.ConnectAsync(peer.Host, peer.Port, deadline.Token).ConfigureAwait(false);
            return socket;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new DicomTimeoutException(peer.ToString(), $"no connection within {options.ConnectTimeout.TotalSeconds:0.###} s", e);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new DicomNetworkException(peer.ToString(), $"cannot connect: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<Pdu> ReadAsync(UpperLayerConnection connection, string peer, uint maxPduLength, TimeSpan timeout, string awaited, CancellationToken cancellationToken, ScuAssociation? association = null)
    {
        try
        {
            return await connection.ReadAsync(maxPduLength, timeout, cancellationToken).ConfigureAwait(false)
                   ?? throw new DicomNetworkException(peer, $"peer closed the connection while we waited for the {awaited}");
        }
        catch (TimeoutException e)
        {
            await AbortOrSendAsync(connection, association, AbortSource.ServiceUser, AbortReason.NotSpecified).ConfigureAwait(false);
            throw new DicomTimeoutException(peer, $"no {awaited} within {timeout.TotalSeconds:0.###} s", e);
        }
        catch (PduException e)
        {
            await AbortOrSendAsync(connection, association, AbortSource.ServiceProvider, e.Reason).ConfigureAwait(false);
            throw new AssociationAbortedException(peer, AbortSource.ServiceProvider, e.Reason, $"protocol error while waiting for the {awaited}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            if (association is not null)
            {
                association._open = false;
            }

            throw new DicomNetworkException(peer, $"connection lost while waiting for the {awaited}: {e.Message}", e);
        }
    }

    private static Task AbortOrSendAsync(UpperLayerConnection connection, ScuAssociation? association, AbortSource source, AbortReason reason) =>
        association is not null ? association.AbortAsync(source, reason) : connection.SendAbortQuietlyAsync(source, reason);

    private static void Validate(AssociateAcceptPdu accept, IReadOnlyList<PresentationContextProposal> proposals, string peer)
    {
        foreach (var result in accept.PresentationContexts)
        {
            var proposal = proposals.FirstOrDefault(p => p.Id == result.Id)
                ?? throw new AssociationAbortedException(peer, AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue, $"A-ASSOCIATE-AC answers presentation context {result.Id}, which we did not propose");
            if (result.Outcome == PresentationContextOutcome.Acceptance
                && (!proposal.TransferSyntaxes.Contains(result.TransferSyntax) || !TransferSyntax.TryLookup(result.TransferSyntax, out _)))
            {
                throw new AssociationAbortedException(peer, AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue, $"A-ASSOCIATE-AC accepts context {result.Id} with transfer syntax {result.TransferSyntax}, which we did not propose");
            }
        }

        if (!MessageWriter.CanSendWithin(accept.UserInformation.MaxPduLength))
        {
            throw new AssociationAbortedException(peer, AbortSource.ServiceProvider, AbortReason.InvalidPduParameterValue, $"peer's maximum PDU length {accept.UserInformation.MaxPduLength} leaves no room for data");
        }
    }

    private static CancellationTokenSource Deadline(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(timeout);
        return source;
    }
}

/// <summary>A presentation context as the peer answered it; <see cref="TransferSyntax"/> is set when accepted.</summary>
internal sealed record NegotiatedContext(byte Id, string AbstractSyntax, PresentationContextOutcome Outcome, TransferSyntax? TransferSyntax);
