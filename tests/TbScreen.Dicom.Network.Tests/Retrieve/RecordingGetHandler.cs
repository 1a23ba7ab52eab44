using System.Collections.Concurrent;
using TbScreen.Dicom.Network.Scp;

namespace TbScreen.Dicom.Network.Tests.Retrieve;

/// <summary>A get handler that returns whatever Part 10 files a test gives it, and records each outcome.</summary>
internal sealed class RecordingGetHandler(IReadOnlyCollection<string> retrievableSopClasses) : IGetHandler
{
    public IReadOnlyCollection<string> RetrievableSopClasses { get; } = retrievableSopClasses;

    /// <summary>What the next C-GET returns: a UID with its file, or with null for an object that is gone.</summary>
    public List<(string SopInstanceUid, byte[]? Part10)> Objects { get; } = [];

    public ConcurrentQueue<(DicomDataset Identifier, QueryRetrieveModel Model)> Requests { get; } = new();

    public ConcurrentQueue<(string CallingAeTitle, string Level, GetOutcome Outcome)> Recorded { get; } = new();

    public Task<IReadOnlyList<RetrievableInstance>> ResolveAsync(DicomDataset identifier, QueryRetrieveModel model, CancellationToken cancellationToken)
    {
        Requests.Enqueue((identifier, model));
        if (identifier.GetString(0x00080052)?.Trim() == "PATIENT" && model == QueryRetrieveModel.StudyRoot)
        {
            throw new FormatException("Query/Retrieve Level 'PATIENT' is not in Study Root");
        }

        return Task.FromResult<IReadOnlyList<RetrievableInstance>>(Objects.Select(o => new RetrievableInstance(o.SopInstanceUid, () => o.Part10)).ToList());
    }

    public Task RecordAsync(string callingAeTitle, string level, GetOutcome outcome, CancellationToken cancellationToken)
    {
        Recorded.Enqueue((callingAeTitle, level, outcome));
        return Task.CompletedTask;
    }
}
