using TbScreen.Dicom.Network.Pdus;
using TbScreen.Dicom.Network.Scp;
using TbScreen.Dicom.Network.Tests.Support;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Network.Tests.Scu;

/// <summary>
/// Our C-FIND and C-MOVE SCU against our own SCP with scripted handlers: every Pending identifier comes back in order,
/// the model chosen is the one negotiated, a refusal names its status, and C-MOVE returns the final counts.
/// </summary>
public sealed class QueryRetrieveClientTests
{
    private static readonly DicomClient Client = new(new DicomClientOptions { CallingAeTitle = "PULLER" });

    [Fact]
    public async Task Find_returns_every_match_and_a_refusal_names_its_status()
    {
        var handler = new ScriptedQueries();
        await using var node = await RunningListener.StartAsync(queries: handler);

        var matches = await Client.FindAsync(node.Peer, Identifier("STUDY"), QueryRetrieveModel.PatientRoot);
        var refused = await Assert.ThrowsAsync<DicomNetworkException>(() => Client.FindAsync(node.Peer, Identifier("NONSENSE")));

        Assert.Equal(["1.2.3.1", "1.2.3.2", "1.2.3.3"], matches.Select(m => m.GetString(DicomTag.StudyInstanceUid)));
        Assert.Equal([QueryRetrieveModel.PatientRoot, QueryRetrieveModel.StudyRoot], handler.Models);
        Assert.Contains("0xA900", refused.Message, StringComparison.Ordinal);
        Assert.Contains(node.Peer.ToString(), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_on_a_node_without_a_query_handler_says_the_model_was_not_accepted()
    {
        await using var node = await RunningListener.StartAsync();

        var error = await Assert.ThrowsAsync<DicomNetworkException>(() => Client.FindAsync(node.Peer, Identifier("STUDY")));

        Assert.Contains("Study Root FIND was not accepted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Move_returns_the_final_status_and_counts()
    {
        var moves = new ScriptedMoves();
        await using var node = await RunningListener.StartAsync(moves: moves);

        var partly = await Client.MoveAsync(node.Peer, Identifier("STUDY"), "VIEWER");
        var unknown = await Client.MoveAsync(node.Peer, Identifier("STUDY"), "NOWHERE");

        Assert.Equal(((ushort)0xB000, 2, 1, true), (partly.Status.Code, partly.Completed, partly.Failed, partly.Performed));
        Assert.Equal(((ushort)0xA801, false), (unknown.Status.Code, unknown.Performed));
        Assert.Equal(["VIEWER", "NOWHERE"], moves.Destinations);
    }

    /// <summary>
    /// Our C-GET SCU against our C-GET SCP: each object arrives as a Part 10 file with its content, the status the
    /// caller returns is what the SCP counts, and a SOP class we did not take the SCP role for cannot come back.
    /// </summary>
    [Fact]
    public async Task Get_receives_each_object_and_answers_with_the_callers_status()
    {
        var gets = new Retrieve.RecordingGetHandler([DicomUids.ComputedRadiographyImageStorage, DicomUids.SecondaryCaptureImageStorage]);
        var files = Enumerable.Range(1, 3)
            .Select(seed => DicomWriter.Write(Samples.SampleDatasets.Create(new Samples.SampleSpec(Rows: 16, Columns: 16, Seed: seed)).Dataset, TransferSyntax.ExplicitVrLittleEndianUid))
            .ToList();
        var originals = files.Select(f => new DicomReader().Parse(f, "original.dcm").Dataset).ToList();
        gets.Objects.AddRange(files.Select((f, i) => (originals[i].GetString(DicomTag.SopInstanceUid)!, (byte[]?)f)));
        await using var node = await RunningListener.StartAsync(gets: gets);
        var received = new List<DicomFile>();

        var result = await Client.GetAsync(node.Peer, Identifier("STUDY"), [DicomUids.ComputedRadiographyImageStorage], (file, _) =>
        {
            received.Add(new DicomReader().Parse(file, "got.dcm"));
            return Task.FromResult(received.Count == 2 ? DicomStatus.OutOfResources("disk full") : DicomStatus.Success);
        });
        var withoutRole = await Client.GetAsync(node.Peer, Identifier("STUDY"), [DicomUids.SecondaryCaptureImageStorage], (_, _) => Task.FromResult(DicomStatus.Success));

        Assert.Equal(((ushort)0xB000, 2, 1), (result.Status.Code, result.Completed, result.Failed));
        Assert.Equal(3, received.Count);
        for (int i = 0; i < 3; i++)
        {
            DataSetComparison.AssertSameContent(originals[i], received[i].Dataset);
            Assert.Equal(originals[i].GetString(DicomTag.SopInstanceUid), received[i].FileMeta.GetString(DicomTag.MediaStorageSopInstanceUid));
        }

        Assert.Equal(((ushort)0xB000, 0, 3), (withoutRole.Status.Code, withoutRole.Completed, withoutRole.Failed)); // CR objects, no CR context
        Assert.Equal(originals[1].GetString(DicomTag.SopInstanceUid), Assert.Single(gets.Recorded.First().Outcome.FailedSopInstanceUids));
    }

    /// <summary>
    /// Every sample comes back, compressed ones in their own syntax: our SCU offers a context per compressed syntax it
    /// decodes, so our SCP, which never transcodes compressed pixel data, has one to send each on.
    /// </summary>
    [Fact]
    public async Task Get_takes_each_sample_in_the_syntax_it_is_kept_in()
    {
        var gets = new Retrieve.RecordingGetHandler([DicomUids.ComputedRadiographyImageStorage, DicomUids.DigitalXRayImageStorageForPresentation, DicomUids.SecondaryCaptureImageStorage]);
        var samples = SampleFiles.Files.Select(f => (File: f, Parsed: new DicomReader().Read(f)))
            .Where(s => s.Parsed.TransferSyntax is { BigEndian: false, Deflated: false }).ToList();
        gets.Objects.AddRange(samples.Select(s => (s.Parsed.Dataset.GetString(DicomTag.SopInstanceUid)!, (byte[]?)File.ReadAllBytes(s.File))));
        await using var node = await RunningListener.StartAsync(gets: gets);
        var received = new List<DicomFile>();

        var result = await Client.GetAsync(node.Peer, Identifier("STUDY"), gets.RetrievableSopClasses, (file, _) =>
        {
            received.Add(new DicomReader().Parse(file, "got.dcm"));
            return Task.FromResult(DicomStatus.Success);
        });

        Assert.Equal(((ushort)0x0000, samples.Count, 0), (result.Status.Code, result.Completed, result.Failed));
        Assert.Contains(samples, s => s.Parsed.TransferSyntax.Encapsulated);
        foreach (var (file, parsed) in samples)
        {
            var copy = received.Single(r => r.Dataset.GetString(DicomTag.SopInstanceUid) == parsed.Dataset.GetString(DicomTag.SopInstanceUid));
            // Compressed ones as kept; native ones in the one uncompressed syntax negotiated (the acceptor's pick: Explicit).
            Assert.Equal(parsed.TransferSyntax.Encapsulated ? parsed.TransferSyntax.Uid : TransferSyntax.ExplicitVrLittleEndianUid, copy.TransferSyntax.Uid);
            DataSetComparison.AssertSameContent(parsed.Dataset, copy.Dataset);
        }
    }

    /// <summary>
    /// A hostile or broken SCP that sends a C-STORE-RQ on a context it never accepted gets an A-ABORT, and the caller a
    /// typed error naming the context, not a crash.
    /// </summary>
    [Fact]
    public async Task A_C_STORE_on_a_context_that_was_never_accepted_aborts_the_get()
    {
        using var server = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        server.Start();
        int port = ((System.Net.IPEndPoint)server.LocalEndpoint).Port;
        var scp = Task.Run(async () =>
        {
            using var socket = await server.AcceptSocketAsync();
            await using var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
            var reader = new TbScreen.Dicom.Network.Pdus.PduReader(stream);
            var request = Assert.IsType<TbScreen.Dicom.Network.Pdus.AssociateRequestPdu>(await reader.ReadAsync(1 << 20, CancellationToken.None));
            var results = request.PresentationContexts.Select(p => new TbScreen.Dicom.Network.Pdus.PresentationContextResult(p.Id, PresentationContextOutcome.Acceptance, p.TransferSyntaxes[0])).ToList();
            await stream.WriteAsync(TbScreen.Dicom.Network.Pdus.PduEncoder.Encode(new TbScreen.Dicom.Network.Pdus.AssociateAcceptPdu(request.CalledAeTitle, request.CallingAeTitle, DicomUids.ApplicationContext, results,
                new TbScreen.Dicom.Network.Pdus.UserInformation(16384, "1.2.3", null) { RoleSelections = request.UserInformation.RoleSelections })));
            await reader.ReadAsync(1 << 20, CancellationToken.None); // the C-GET-RQ: its command,
            await reader.ReadAsync(1 << 20, CancellationToken.None); // and its identifier
            var (dataSet, uid) = Wire.SmallRadiograph();
            await stream.WriteAsync(Wire.Store(99, DicomUids.ComputedRadiographyImageStorage, uid, dataSet));
            return await reader.ReadAsync(1 << 20, CancellationToken.None);
        });

        var error = await Assert.ThrowsAsync<AssociationAbortedException>(() =>
            Client.GetAsync(new DicomPeer("BROKEN", "127.0.0.1", port), Identifier("STUDY"), [DicomUids.ComputedRadiographyImageStorage], (_, _) => Task.FromResult(DicomStatus.Success)));

        Assert.Contains("presentation context 99", error.Message, StringComparison.Ordinal);
        Assert.IsType<TbScreen.Dicom.Network.Pdus.AbortPdu>(await scp);
    }

    private static DicomDataset Identifier(string level) =>
        new DicomDataset().AddString(0x00080052, "CS", level).AddString(DicomTag.StudyInstanceUid, "UI", "");

    private sealed class ScriptedQueries : IQueryHandler
    {
        public List<QueryRetrieveModel> Models { get; } = [];

        public Task<IReadOnlyList<DicomDataset>> FindAsync(DicomDataset identifier, QueryRetrieveModel model, string callingAeTitle, CancellationToken cancellationToken)
        {
            Models.Add(model);
            if (identifier.GetString(0x00080052) != "STUDY")
            {
                throw new FormatException("not a level");
            }

            return Task.FromResult<IReadOnlyList<DicomDataset>>(
                [.. Enumerable.Range(1, 3).Select(i => new DicomDataset().AddString(0x00080052, "CS", "STUDY").AddString(DicomTag.StudyInstanceUid, "UI", $"1.2.3.{i}"))]);
        }
    }

    private sealed class ScriptedMoves : IRetrieveHandler
    {
        public List<string> Destinations { get; } = [];

        public Task<MoveOutcome> MoveAsync(DicomDataset identifier, QueryRetrieveModel model, string destinationAeTitle, string callingAeTitle, CancellationToken cancellationToken)
        {
            Destinations.Add(destinationAeTitle);
            return destinationAeTitle == "VIEWER"
                ? Task.FromResult(new MoveOutcome(2, 1, 0, ["1.2.3.9"]))
                : throw new MoveDestinationUnknownException(destinationAeTitle);
        }
    }
}
