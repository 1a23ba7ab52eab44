namespace TbScreen.Dicom.Network.Scp;

/// <summary>Counts established associations against the configured maximum.</summary>
internal sealed class AssociationSlots(int capacity)
{
    private int _inUse;

    public int InUse => Volatile.Read(ref _inUse);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inUse) <= capacity)
        {
            return true;
        }

        Interlocked.Decrement(ref _inUse);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _inUse);
}
