using System.Globalization;
using TbScreen.Dicom.Network.Tests.Support;

namespace TbScreen.Dicom.Network.Tests.Dcmtk;

/// <summary>
/// Interoperability with a real peer: dcmtk's echoscu and storescu against our SCP (one storescu run per transfer
/// syntax our samples cover, proposing that syntax), and our SCU against dcmtk's storescp.
/// </summary>
public sealed class DcmtkPeerTests : IAsyncLifetime
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "tbscreen-dcmtk-" + Guid.NewGuid().ToString("N")[..12]);
    private RunningListener _node = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_scratch);
        _node = await RunningListener.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        Directory.Delete(_scratch, recursive: true);
    }

    [SkippableFact]
    public void Echoscu_gets_its_C_ECHO_answered()
    {
        Support.Dcmtk.Require();

        var (code, output) = Support.Dcmtk.Run("echoscu", "-v", "-aet", "ECHOSCU", "-aec", "TBSCREEN", "127.0.0.1", Port);

        Assert.True(code == 0, output);
        Assert.Contains("Received Echo Response (Success)", output);
        Assert.Empty(_node.Logger.Errors);
    }

    [SkippableFact]
    public void Echoscu_calling_the_wrong_AE_title_is_told_called_AE_not_recognized()
    {
        Support.Dcmtk.Require();

        var (code, output) = Support.Dcmtk.Run("echoscu", "-aet", "ECHOSCU", "-aec", "SOMEONE", "127.0.0.1", Port);

        Assert.NotEqual(0, code);
        Assert.Contains("Called AE Title Not Recognized", output, StringComparison.OrdinalIgnoreCase);
    }

    [SkippableTheory]
    [MemberData(nameof(SampleFiles.Names), MemberType = typeof(SampleFiles))]
    public void Storescu_stores_each_sample_in_its_own_transfer_syntax(string name)
    {
        Support.Dcmtk.Require();
        var original = new DicomReader().Read(SampleFiles.PathOf(name));
        string[] propose = ProposalFor(original.TransferSyntax.Uid);

        var (code, output) = Support.Dcmtk.Run("storescu", ["-v", "-aet", "STORESCU", "-aec", "TBSCREEN", .. propose, "127.0.0.1", Port, SampleFiles.PathOf(name)]);

        Assert.True(code == 0, output);
        string uid = original.Dataset.GetString(DicomTag.SopInstanceUid)!;
        var received = _node.Handler.Single(uid);
        Assert.Equal(original.TransferSyntax.Uid, received.TransferSyntax.Uid);
        Assert.Equal("STORESCU", received.CallingAeTitle);
        DataSetComparison.AssertSameContent(original.Dataset, received.DataSet);
        Assert.Empty(_node.Logger.Errors);
    }

    [SkippableFact]
    public async Task Our_SCU_stores_every_sample_into_storescp_unchanged()
    {
        Support.Dcmtk.Require();
        string folder = Path.Combine(_scratch, "all");
        // +xa lacks JPEG Process 14, so an association profile lists every syntax the samples use.
        using var storescp = await Support.Dcmtk.StartStoreScpAsync("TBSTORE", folder, "-xf", AcceptAllSamplesConfig(), "AllSamples");
        var files = SampleFiles.Files.Select(f => (f, File.ReadAllBytes(f))).ToList();

        var results = await new DicomClient().StoreAsync(new DicomPeer("TBSTORE", "127.0.0.1", storescp.Port), files);

        Assert.All(results, r => Assert.True(r.Stored && !r.Converted, $"{r.Source}: {r.Status} in {r.TransferSyntaxUid}"));
        var stored = StoredBySopInstance(folder);
        foreach (string file in SampleFiles.Files)
        {
            var original = new DicomReader().Read(file);
            var copy = stored[original.Dataset.GetString(DicomTag.SopInstanceUid)!];
            Assert.Equal(original.TransferSyntax.Uid, copy.TransferSyntax.Uid);
            DataSetComparison.AssertSameContent(original.Dataset, copy.Dataset);
        }
    }

    [SkippableFact]
    public async Task Our_SCU_converts_native_samples_for_an_implicit_only_storescp_and_refuses_compressed_ones_clearly()
    {
        Support.Dcmtk.Require();
        string folder = Path.Combine(_scratch, "implicit");
        using var storescp = await Support.Dcmtk.StartStoreScpAsync("TBSTORE", folder, "+xi");
        var peer = new DicomPeer("TBSTORE", "127.0.0.1", storescp.Port);
        var client = new DicomClient();

        foreach (string file in SampleFiles.Files)
        {
            var original = new DicomReader().Read(file);
            if (original.TransferSyntax.Encapsulated)
            {
                var error = await Assert.ThrowsAsync<DicomNetworkException>(() => client.StoreFileAsync(peer, file));
                Assert.Contains("not converted", error.Message);
                Assert.Contains(peer.ToString(), error.Message);
                continue;
            }

            var result = await client.StoreFileAsync(peer, file);
            Assert.True(result.Stored, result.Status.ToString());
            Assert.Equal(TransferSyntax.ImplicitVrLittleEndianUid, result.TransferSyntaxUid);
            Assert.Equal(original.TransferSyntax.Uid != TransferSyntax.ImplicitVrLittleEndianUid, result.Converted);
            var copy = StoredBySopInstance(folder)[result.SopInstanceUid];
            DataSetComparison.AssertSameContent(original.Dataset, copy.Dataset);
        }
    }

    [SkippableFact]
    public async Task Our_SCU_echoes_storescp()
    {
        Support.Dcmtk.Require();
        using var storescp = await Support.Dcmtk.StartStoreScpAsync("TBSTORE", Path.Combine(_scratch, "echo"));
        await new DicomClient().EchoAsync(new DicomPeer("TBSTORE", "127.0.0.1", storescp.Port));
    }

    private string Port => _node.Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>storescu options that propose the file's own transfer syntax (plus the uncompressed ones, as storescu does).</summary>
    private string[] ProposalFor(string transferSyntaxUid) => transferSyntaxUid switch
    {
        TransferSyntax.ImplicitVrLittleEndianUid => ["-xi"],
        TransferSyntax.ExplicitVrLittleEndianUid => ["-xe"],
        TransferSyntax.ExplicitVrBigEndianUid => ["-xb"],
        TransferSyntax.DeflatedExplicitVrLittleEndianUid => ["-xd"],
        TransferSyntax.JpegBaselineUid => ["-xy"],
        TransferSyntax.JpegLosslessSv1Uid => ["-xs"],
        TransferSyntax.JpegLsLosslessUid => ["-xt"],
        TransferSyntax.Jpeg2000LosslessUid => ["-xv"],
        TransferSyntax.Jpeg2000Uid => ["-xw"],
        TransferSyntax.RleLosslessUid => ["-xr"],
        _ => ["-xf", ConfigFileProposing(transferSyntaxUid), "OwnSyntax"], // no built-in switch, e.g. JPEG Process 14
    };

    /// <summary>A storescu association profile proposing CR storage in exactly one transfer syntax.</summary>
    private string ConfigFileProposing(string transferSyntaxUid)
    {
        string path = Path.Combine(_scratch, "propose-" + transferSyntaxUid + ".cfg");
        File.WriteAllText(path, $"""
            [[TransferSyntaxes]]
            [Own]
            TransferSyntax1 = {transferSyntaxUid}

            [[PresentationContexts]]
            [OwnContexts]
            PresentationContext1 = {DicomUids.ComputedRadiographyImageStorage}\Own

            [[Profiles]]
            [OwnSyntax]
            PresentationContexts = OwnContexts
            """);
        return path;
    }

    /// <summary>A storescp association profile accepting CR storage in every transfer syntax of the samples, and Verification.</summary>
    private string AcceptAllSamplesConfig()
    {
        var syntaxes = SampleFiles.Files.Select(f => new DicomReader().Read(f).TransferSyntax.Uid).Distinct().ToList();
        string path = Path.Combine(_scratch, "accept-all.cfg");
        File.WriteAllText(path, $"""
            [[TransferSyntaxes]]
            [Samples]
            {string.Join("\n", syntaxes.Select((uid, i) => $"TransferSyntax{i + 1} = {uid}"))}
            [Uncompressed]
            TransferSyntax1 = {TransferSyntax.ExplicitVrLittleEndianUid}
            TransferSyntax2 = {TransferSyntax.ImplicitVrLittleEndianUid}

            [[PresentationContexts]]
            [Accepted]
            PresentationContext1 = {DicomUids.ComputedRadiographyImageStorage}\Samples
            PresentationContext2 = {DicomUids.Verification}\Uncompressed

            [[Profiles]]
            [AllSamples]
            PresentationContexts = Accepted
            """);
        return path;
    }

    private static Dictionary<string, DicomFile> StoredBySopInstance(string folder) =>
        Directory.GetFiles(folder)
            .Select(f => new DicomReader().Read(f))
            .ToDictionary(f => f.Dataset.GetString(DicomTag.SopInstanceUid)!);
}
