namespace TbScreen.Dicom.Network.Dimse;

/// <summary>
/// A reassembled DIMSE message. <see cref="DataSetTooLarge"/> marks a data set that exceeded the configured cap:
/// its bytes were dropped as they arrived, so the message can still be answered without holding them.
/// </summary>
internal sealed record DimseMessage(byte PresentationContextId, DimseCommand Command, byte[]? DataSet, bool DataSetTooLarge = false);
