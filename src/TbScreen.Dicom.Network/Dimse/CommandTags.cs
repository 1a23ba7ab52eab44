namespace TbScreen.Dicom.Network.Dimse;

/// <summary>Command set elements of group 0000 (PS3.7 E.1).</summary>
internal static class CommandTags
{
    public const uint CommandGroupLength = 0x00000000;
    public const uint AffectedSopClassUid = 0x00000002;
    public const uint RequestedSopClassUid = 0x00000003;
    public const uint CommandField = 0x00000100;
    public const uint MessageId = 0x00000110;
    public const uint MessageIdBeingRespondedTo = 0x00000120;
    public const uint MoveDestination = 0x00000600;
    public const uint Priority = 0x00000700;
    public const uint CommandDataSetType = 0x00000800;
    public const uint Status = 0x00000900;
    public const uint ErrorComment = 0x00000902;
    public const uint AffectedSopInstanceUid = 0x00001000;
    public const uint RequestedSopInstanceUid = 0x00001001;
    public const uint EventTypeId = 0x00001002;
    public const uint ActionTypeId = 0x00001008;
    public const uint NumberOfRemainingSuboperations = 0x00001020;
    public const uint NumberOfCompletedSuboperations = 0x00001021;
    public const uint NumberOfFailedSuboperations = 0x00001022;
    public const uint NumberOfWarningSuboperations = 0x00001023;
    public const uint MoveOriginatorAeTitle = 0x00001030;
    public const uint MoveOriginatorMessageId = 0x00001031;

    /// <summary>Command Data Set Type value meaning "no data set follows" (PS3.7 E.1); any other value means one does.</summary>
    public const ushort NoDataSet = 0x0101;
}
