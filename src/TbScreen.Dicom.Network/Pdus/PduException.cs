namespace TbScreen.Dicom.Network.Pdus;

/// <summary>The peer broke the upper layer protocol; <see cref="Reason"/> is what the A-ABORT we answer with says.</summary>
internal sealed class PduException : Exception
{
    public PduException(AbortReason reason, string message)
        : base(message) => Reason = reason;

    public AbortReason Reason { get; }
}
