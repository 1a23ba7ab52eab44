namespace TbScreen.Dicom.Network.Scp;

/// <summary>The handlers an association serves with; a null one means its service is not offered.</summary>
internal sealed record ScpServices(IStoreHandler Store, IQueryHandler? Queries, IRetrieveHandler? Moves, IGetHandler? Gets, ICommitmentReportHandler? CommitmentReports = null);
