using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TbScreen.Dicom.Network.Dimse;
using TbScreen.Dicom.Network.Pdus;
using TbScreen.Dicom.Network.Scu;

namespace TbScreen.Dicom.Network;

/// <summary>
/// The SCU: C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET and Storage Commitment requests to a peer, one association per call. Association and transport failures raise
/// <see cref="DicomNetworkException"/> (or a subtype) naming the peer; a C-STORE the peer refuses comes back as a
/// failed <see cref="StoreResult"/>, so the caller decides about retries.
/// </summary>
public sealed class DicomClient
{
    private const int MaxPresentationContexts = 128;

    /// <summary>The largest object a C-GET takes: a large radiograph, uncompressed, with room to spare.</summary>
    private const int MaxRetrievedObjectBytes = 512 * 1024 * 1024;

    /// <summary>The compressed syntaxes a C-GET takes an object in, besides uncompressed ones: those radiographs come in that our reader decodes.</summary>
    private static readonly string[] CompressedReceivableSyntaxes =
    [
        TransferSyntax.JpegLosslessSv1Uid, TransferSyntax.JpegLosslessUid, TransferSyntax.JpegLsLosslessUid, TransferSyntax.Jpeg2000LosslessUid,
        TransferSyntax.HtJpeg2000LosslessUid, TransferSyntax.RleLosslessUid, TransferSyntax.JpegBaselineUid, TransferSyntax.JpegExtendedUid,
        TransferSyntax.Jpeg2000Uid, TransferSyntax.JpegLsNearLosslessUid,
    ];

    private readonly DicomClientOptions _options;
    private readonly ILogger _logger;
    // The PEM files are read once per client, not per association; a failed read is tried again on the next one.
    private readonly Lazy<DicomTlsClientCredentials>? _tls;
    private int _messageId;

    public DicomClient(DicomClientOptions? options = null, ILogger? logger = null)
    {
        _options = options ?? new DicomClientOptions();
        _options.Validate();
        _logger = logger ?? NullLogger.Instance;
        _tls = _options.Tls is { } tls ? new Lazy<DicomTlsClientCredentials>(tls.Load, LazyThreadSafetyMode.PublicationOnly) : null;
    }

    /// <summary>C-ECHO (PS3.7 9.1.5, PS3.4 Annex A): returns when the peer answers success.</summary>
    public async Task EchoAsync(DicomPeer peer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var proposals = new[] { new PresentationContextProposal(1, DicomUids.Verification, [TransferSyntax.ExplicitVrLittleEndianUid, TransferSyntax.ImplicitVrLittleEndianUid]) };
        await using var association = await ScuAssociation.OpenAsync(peer, proposals, _options, _tls, _logger, cancellationToken).ConfigureAwait(false);
        var context = association.Contexts.FirstOrDefault(c => c.TransferSyntax is not null)
            ?? throw new DicomNetworkException(peer.ToString(), $"Verification was not accepted ({association.Contexts.FirstOrDefault()?.Outcome})");
        var request = new DimseCommand { CommandField = CommandField.CEchoRequest, AffectedSopClassUid = DicomUids.Verification, MessageId = NextMessageId() };
        var response = await association.RequestAsync(context, request, null, cancellationToken).ConfigureAwait(false);
        var status = new DicomStatus(response.Status ?? 0xFFFF, response.ErrorComment);
        await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        if (!status.IsSuccess)
        {
            throw new DicomNetworkException(peer.ToString(), $"C-ECHO answered {status}");
        }

        _logger.LogInformation("C-ECHO to {Peer}: success", peer);
    }

    /// <summary>
    /// C-FIND (PS3.4 C.4.1) in <paramref name="model"/>: the identifiers of the peer's matches, in the order sent. A
    /// failure status raises <see cref="DicomNetworkException"/> naming the peer and the status.
    /// </summary>
    public async Task<IReadOnlyList<DicomDataset>> FindAsync(DicomPeer peer, DicomDataset identifier, QueryRetrieveModel model = QueryRetrieveModel.StudyRoot,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(identifier);
        string sopClass = ClassIn(model, DicomUids.PatientRootQueryRetrieveFind, DicomUids.StudyRootQueryRetrieveFind);
        await using var association = await QueryAssociationAsync(peer, sopClass, model, "FIND", cancellationToken).ConfigureAwait(false);
        var context = association.Contexts.Single(c => c.TransferSyntax is not null);
        var matches = new List<DicomDataset>();
        var reader = new DicomReader();
        var final = await association.ExchangeAsync(context, QueryRequest(CommandField.CFindRequest, sopClass), Identifier(identifier, context),
            pending => matches.Add(pending.DataSet is { } bytes ? reader.ParseDataset(bytes, context.TransferSyntax!, "C-FIND answer").Dataset : new DicomDataset()),
            cancellationToken).ConfigureAwait(false);
        await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        var status = new DicomStatus(final.Command.Status ?? 0xFFFF, final.Command.ErrorComment);
        if (!status.IsSuccess)
        {
            throw new DicomNetworkException(peer.ToString(), $"C-FIND answered {status} after {matches.Count} matches");
        }

        _logger.LogInformation("C-FIND to {Peer}: {Count} matches", peer, matches.Count);
        return matches;
    }

    /// <summary>
    /// C-MOVE (PS3.4 C.4.2) in <paramref name="model"/>: asks the peer to send what the identifier names to
    /// <paramref name="destinationAeTitle"/>, which the peer must know by address. Each Pending response's counts go to
    /// <paramref name="progress"/>; the final status comes back, refused or not, for the caller to judge.
    /// </summary>
    public async Task<RetrieveResult> MoveAsync(DicomPeer peer, DicomDataset identifier, string destinationAeTitle, QueryRetrieveModel model = QueryRetrieveModel.StudyRoot,
        IProgress<RetrieveResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(identifier);
        AeTitles.Require(destinationAeTitle, "destination AE title");
        string sopClass = ClassIn(model, DicomUids.PatientRootQueryRetrieveMove, DicomUids.StudyRootQueryRetrieveMove);
        await using var association = await QueryAssociationAsync(peer, sopClass, model, "MOVE", cancellationToken).ConfigureAwait(false);
        var context = association.Contexts.Single(c => c.TransferSyntax is not null);
        var request = QueryRequest(CommandField.CMoveRequest, sopClass) with { MoveDestination = destinationAeTitle };
        var final = await association.ExchangeAsync(context, request, Identifier(identifier, context), pending => progress?.Report(ResultOf(pending.Command)), cancellationToken)
            .ConfigureAwait(false);
        await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        var result = ResultOf(final.Command);
        _logger.LogInformation("C-MOVE on {Peer} to {Destination}: {Status}, {Completed} sent, {Failed} failed", peer, destinationAeTitle, result.Status,
            result.Completed, result.Failed);
        return result;
    }

    /// <summary>
    /// C-GET (PS3.4 C.4.3) in <paramref name="model"/>: the peer sends what the identifier names back over this
    /// association, on storage contexts for <paramref name="storageSopClasses"/> where we take the SCP role. Each object
    /// goes to <paramref name="onObject"/> as a Part 10 file, and its returned status answers the peer's C-STORE. The
    /// final status and counts come back for the caller to judge.
    /// </summary>
    public async Task<RetrieveResult> GetAsync(DicomPeer peer, DicomDataset identifier, IReadOnlyCollection<string> storageSopClasses,
        Func<byte[], CancellationToken, Task<DicomStatus>> onObject, QueryRetrieveModel model = QueryRetrieveModel.StudyRoot, IProgress<RetrieveResult>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(identifier);
        ArgumentNullException.ThrowIfNull(storageSopClasses);
        ArgumentNullException.ThrowIfNull(onObject);
        string sopClass = ClassIn(model, DicomUids.PatientRootQueryRetrieveGet, DicomUids.StudyRootQueryRetrieveGet);
        var proposals = new List<PresentationContextProposal> { new(1, sopClass, [TransferSyntax.ExplicitVrLittleEndianUid, TransferSyntax.ImplicitVrLittleEndianUid]) };
        foreach (string storage in storageSopClasses.Distinct())
        {
            // One uncompressed context, and one per compressed syntax our reader decodes: an acceptor picks one syntax
            // per context, so this lets the peer send each object as it keeps it, without transcoding.
            proposals.Add(new PresentationContextProposal((byte)(proposals.Count * 2 + 1), storage, [TransferSyntax.ExplicitVrLittleEndianUid, TransferSyntax.ImplicitVrLittleEndianUid]));
            proposals.AddRange(CompressedReceivableSyntaxes.Select(syntax => new PresentationContextProposal((byte)((proposals.Count * 2) + 1), storage, [syntax])));
        }

        if (proposals.Count > MaxPresentationContexts)
        {
            throw new ArgumentException($"More than {MaxPresentationContexts - 1} storage SOP classes do not fit one association.", nameof(storageSopClasses));
        }

        var roles = storageSopClasses.Distinct().Select(c => new RoleSelection(c, RequestorIsScu: false, RequestorIsScp: true)).ToList();
        await using var association = await ScuAssociation.OpenAsync(peer, proposals, _options, _tls, _logger, cancellationToken, roles, MaxRetrievedObjectBytes)
            .ConfigureAwait(false);
        var context = association.Contexts.FirstOrDefault(c => c.Id == 1 && c.TransferSyntax is not null)
            ?? throw new DicomNetworkException(peer.ToString(), $"{NameOf(model)} GET was not accepted");
        if (!association.AgreedRoles.Any(r => r.RequestorIsScp))
        {
            _logger.LogWarning("C-GET on {Peer}: the peer agreed to no SCP role for us, so it cannot send anything back", peer);
        }

        async Task<DicomStatus> Store(Dimse.DimseMessage message, NegotiatedContext on)
        {
            var command = message.Command;
            byte[] file = Part10File.Compose(command.AffectedSopClassUid ?? on.AbstractSyntax, command.AffectedSopInstanceUid ?? "", on.TransferSyntax!.Uid, peer.AeTitle,
                message.DataSet);
            return await onObject(file, cancellationToken).ConfigureAwait(false);
        }

        var request = QueryRequest(CommandField.CGetRequest, sopClass);
        var final = await association.ExchangeAsync(context, request, Identifier(identifier, context), pending => progress?.Report(ResultOf(pending.Command)),
            cancellationToken, Store).ConfigureAwait(false);
        await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        var result = ResultOf(final.Command);
        _logger.LogInformation("C-GET from {Peer}: {Status}, {Completed} received, {Failed} failed", peer, result.Status, result.Completed, result.Failed);
        return result;
    }

    /// <summary>
    /// Storage Commitment request (PS3.4 J.3.2, N-ACTION): asks the peer to commit to the safekeeping of
    /// <paramref name="instances"/> under <paramref name="transactionUid"/>. Returns when the peer has accepted the
    /// request; its result comes later as an N-EVENT-REPORT, usually on an association the peer opens to our listener.
    /// Some archives report at once on this association instead (PS3.4 J.3.3 lets them): with <paramref name="reports"/>,
    /// such a report is taken and answered while we release. A refusal raises <see cref="DicomNetworkException"/>
    /// naming the peer and the status.
    /// </summary>
    public async Task RequestCommitmentAsync(DicomPeer peer, string transactionUid, IReadOnlyList<CommitmentReference> instances,
        ICommitmentReportHandler? reports = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var dataSet = StorageCommitment.Request(transactionUid, instances);
        var proposals = new[] { new PresentationContextProposal(1, DicomUids.StorageCommitmentPushModel, [TransferSyntax.ExplicitVrLittleEndianUid, TransferSyntax.ImplicitVrLittleEndianUid]) };
        await using var association = await ScuAssociation.OpenAsync(peer, proposals, _options, _tls, _logger, cancellationToken).ConfigureAwait(false);
        var context = association.Contexts.FirstOrDefault(c => c.TransferSyntax is not null)
            ?? throw new DicomNetworkException(peer.ToString(), $"Storage Commitment was not accepted ({association.Contexts.FirstOrDefault()?.Outcome})");
        var request = new DimseCommand
        {
            CommandField = CommandField.NActionRequest,
            MessageId = NextMessageId(),
            RequestedSopClassUid = DicomUids.StorageCommitmentPushModel,
            RequestedSopInstanceUid = DicomUids.StorageCommitmentPushModelInstance,
            ActionTypeId = StorageCommitment.RequestAction,
            HasDataSet = true,
        };
        var response = await association.RequestAsync(context, request, Identifier(dataSet, context), cancellationToken).ConfigureAwait(false);
        var reader = new DicomReader();
        await association.ReleaseAsync(cancellationToken, reports is null ? null : (message, on) => message.Command.CommandField == CommandField.NEventReportRequest
            ? CommitmentReportReceiver.AnswerAsync(message, on.AbstractSyntax, on.TransferSyntax!, peer.AeTitle, reports, reader, _logger, peer.ToString(), cancellationToken)
            : Task.FromResult(new DimseCommand
            {
                CommandField = (ushort)(message.Command.CommandField | CommandField.ResponseBit),
                AffectedSopClassUid = message.Command.AffectedSopClassUid,
                MessageIdBeingRespondedTo = message.Command.MessageId ?? 0,
                Status = 0x0211, // unrecognized operation
            })).ConfigureAwait(false);
        var status = new DicomStatus(response.Status ?? 0xFFFF, response.ErrorComment);
        if (response.CommandField != CommandField.NActionResponse || !status.IsSuccess)
        {
            throw new DicomNetworkException(peer.ToString(), $"the Storage Commitment request was answered {status}");
        }

        _logger.LogInformation("Storage Commitment requested from {Peer} for {Count} instances (transaction {Transaction})", peer, instances.Count, transactionUid);
    }

    private async Task<ScuAssociation> QueryAssociationAsync(DicomPeer peer, string sopClass, QueryRetrieveModel model, string service, CancellationToken cancellationToken)
    {
        var proposals = new[] { new PresentationContextProposal(1, sopClass, [TransferSyntax.ExplicitVrLittleEndianUid, TransferSyntax.ImplicitVrLittleEndianUid]) };
        var association = await ScuAssociation.OpenAsync(peer, proposals, _options, _tls, _logger, cancellationToken).ConfigureAwait(false);
        if (association.Contexts.All(c => c.TransferSyntax is null))
        {
            var outcome = association.Contexts.FirstOrDefault()?.Outcome;
            await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            await association.DisposeAsync().ConfigureAwait(false);
            throw new DicomNetworkException(peer.ToString(), $"{NameOf(model)} {service} was not accepted ({outcome})");
        }

        return association;
    }

    private static string ClassIn(QueryRetrieveModel model, string patientRoot, string studyRoot) => model == QueryRetrieveModel.PatientRoot ? patientRoot : studyRoot;

    private static string NameOf(QueryRetrieveModel model) => model == QueryRetrieveModel.PatientRoot ? "Patient Root" : "Study Root";

    private DimseCommand QueryRequest(ushort field, string sopClass) => new()
    {
        CommandField = field,
        AffectedSopClassUid = sopClass,
        MessageId = NextMessageId(),
        Priority = 0x0000,
        HasDataSet = true,
    };

    private static byte[] Identifier(DicomDataset identifier, NegotiatedContext context) =>
        Writing.DicomWriter.Write(identifier, context.TransferSyntax!.Uid, new Writing.DicomWriterOptions { Preamble = false });

    private static RetrieveResult ResultOf(DimseCommand response) => new(
        new DicomStatus(response.Status ?? 0xFFFF, response.ErrorComment),
        response.CompletedSuboperations ?? 0,
        response.FailedSuboperations ?? 0,
        response.WarningSuboperations ?? 0,
        response.RemainingSuboperations ?? 0);

    /// <summary>Sends one Part 10 file.</summary>
    public async Task<StoreResult> StoreFileAsync(DicomPeer peer, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return (await StoreAsync(peer, [(path, bytes)], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Sends Part 10 files in memory, each named for errors and results, over one association.</summary>
    public Task<IReadOnlyList<StoreResult>> StoreAsync(DicomPeer peer, IReadOnlyList<(string Name, byte[] Part10)> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(files);
        // Parse everything before connecting: a file our reader refuses raises its DicomException here.
        var instances = files.Select(f => OutgoingInstance.FromPart10(f.Part10, f.Name)).ToList();
        return StoreInstancesAsync(peer, instances, cancellationToken);
    }

    private async Task<IReadOnlyList<StoreResult>> StoreInstancesAsync(DicomPeer peer, List<OutgoingInstance> instances, CancellationToken cancellationToken)
    {
        if (instances.Count == 0)
        {
            return [];
        }

        var proposals = Propose(instances);
        await using var association = await ScuAssociation.OpenAsync(peer, proposals, _options, _tls, _logger, cancellationToken).ConfigureAwait(false);
        // Plan every file before sending any, so a syntax the peer refuses fails the call cleanly, not half-way.
        var plans = instances.Select(i => (Instance: i, Context: Choose(association, i))).ToList();
        var refused = plans.FirstOrDefault(p => p.Context is null);
        if (refused.Instance is not null)
        {
            await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            throw new DicomNetworkException(peer.ToString(), Refusal(association, refused.Instance));
        }

        var results = new List<StoreResult>();
        foreach (var (instance, context) in plans)
        {
            var syntax = context!.TransferSyntax!;
            bool converted = syntax.Uid != instance.TransferSyntax.Uid;
            var dataSet = instance.DataSetIn(syntax);
            var request = new DimseCommand
            {
                CommandField = CommandField.CStoreRequest,
                AffectedSopClassUid = instance.SopClassUid,
                AffectedSopInstanceUid = instance.SopInstanceUid,
                MessageId = NextMessageId(),
                Priority = 0x0000,
                HasDataSet = true,
            };
            var response = await association.RequestAsync(context, request, dataSet, cancellationToken).ConfigureAwait(false);
            var status = new DicomStatus(response.Status ?? 0xFFFF, response.ErrorComment);
            results.Add(new StoreResult(instance.Source, instance.SopClassUid, instance.SopInstanceUid, syntax.Uid, converted, status));
            _logger.LogInformation("C-STORE to {Peer}: {Status} ({Syntax}{Converted})", peer, status, syntax.Name, converted ? ", converted" : string.Empty);
            _logger.LogDebug("C-STORE to {Peer}: SOP Instance UID {SopInstanceUid}", peer, instance.SopInstanceUid);
        }

        await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// Per SOP class: one context per transfer syntax the files use (sent unchanged when accepted), and one fallback
    /// context offering Explicit then Implicit VR Little Endian (Implicit is the default every SCP supports, PS3.5 10.1).
    /// </summary>
    private static List<PresentationContextProposal> Propose(List<OutgoingInstance> instances)
    {
        var proposals = new List<PresentationContextProposal>();
        foreach (var group in instances.GroupBy(i => i.SopClassUid))
        {
            foreach (string syntax in group.Select(i => i.TransferSyntax.Uid).Distinct())
            {
                proposals.Add(new PresentationContextProposal((byte)(proposals.Count * 2 + 1), group.Key, [syntax]));
            }

            proposals.Add(new PresentationContextProposal((byte)(proposals.Count * 2 + 1), group.Key, [TransferSyntax.ExplicitVrLittleEndianUid, TransferSyntax.ImplicitVrLittleEndianUid]));
            if (proposals.Count > MaxPresentationContexts)
            {
                throw new ArgumentException($"The files need more than {MaxPresentationContexts} presentation contexts (SOP classes x transfer syntaxes); send them in smaller batches.");
            }
        }

        return proposals;
    }

    private static NegotiatedContext? Choose(ScuAssociation association, OutgoingInstance instance)
    {
        var accepted = association.Contexts.Where(c => c.AbstractSyntax == instance.SopClassUid && c.TransferSyntax is not null).ToList();
        return instance.SendableAs(accepted.Select(c => c.TransferSyntax!).ToList()) is { } syntax ? accepted.First(c => c.TransferSyntax == syntax) : null;
    }

    private static string Refusal(ScuAssociation association, OutgoingInstance instance)
    {
        var contexts = association.Contexts.Where(c => c.AbstractSyntax == instance.SopClassUid).ToList();
        if (contexts.All(c => c.TransferSyntax is null))
        {
            var outcome = contexts.FirstOrDefault()?.Outcome;
            return $"{instance.Source}: peer refused SOP class {instance.SopClassUid} ({outcome})";
        }

        return $"{instance.Source}: peer does not accept {instance.TransferSyntax.Name} for SOP class {instance.SopClassUid}, and compressed pixel data is not converted";
    }

    private ushort NextMessageId() => (ushort)Interlocked.Increment(ref _messageId);
}
