namespace TbScreen.Screening.Jobs;

/// <summary>Told about each finished item; items taken from the job store count as done at the start.</summary>
public interface IBatchProgress
{
    void Started(int total, int alreadyDone);

    void ItemDone(bool ok);

    void Finished();
}

/// <summary>No display (the interactive console mode prints result lines itself).</summary>
public sealed class SilentBatchProgress : IBatchProgress
{
    public void Started(int total, int alreadyDone)
    {
    }

    public void ItemDone(bool ok)
    {
    }

    public void Finished()
    {
    }
}
