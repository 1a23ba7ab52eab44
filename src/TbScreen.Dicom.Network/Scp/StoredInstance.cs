using System.Net;

namespace TbScreen.Dicom.Network;

/// <summary>
/// One instance received by C-STORE: who sent it, the data set exactly as it arrived (in <see cref="TransferSyntax"/>),
/// and the same data set parsed. <see cref="ToPart10"/> gives the file to store.
/// </summary>
public sealed class StoredInstance
{
    public StoredInstance(
        string callingAeTitle,
        string calledAeTitle,
        IPEndPoint? remoteEndPoint,
        string sopClassUid,
        string sopInstanceUid,
        TransferSyntax transferSyntax,
        ReadOnlyMemory<byte> dataSetBytes,
        DicomDataset dataSet)
    {
        CallingAeTitle = callingAeTitle;
        CalledAeTitle = calledAeTitle;
        RemoteEndPoint = remoteEndPoint;
        SopClassUid = sopClassUid;
        SopInstanceUid = sopInstanceUid;
        TransferSyntax = transferSyntax;
        DataSetBytes = dataSetBytes;
        DataSet = dataSet;
    }

    public string CallingAeTitle { get; }

    public string CalledAeTitle { get; }

    public IPEndPoint? RemoteEndPoint { get; }

    public string SopClassUid { get; }

    public string SopInstanceUid { get; }

    /// <summary>The transfer syntax negotiated for the presentation context the instance came on.</summary>
    public TransferSyntax TransferSyntax { get; }

    /// <summary>The data set bytes as received (deflated when the syntax is deflated), without file meta.</summary>
    public ReadOnlyMemory<byte> DataSetBytes { get; }

    public DicomDataset DataSet { get; }

    /// <summary>A Part 10 file: preamble, file meta (with the calling AE as Source AE Title) and the received bytes unchanged.</summary>
    public byte[] ToPart10() => Part10File.Compose(SopClassUid, SopInstanceUid, TransferSyntax.Uid, CallingAeTitle, DataSetBytes.Span);
}
