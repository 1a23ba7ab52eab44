using TbScreen.Dicom.Network.Pdus;

namespace TbScreen.Dicom.Network.Dimse;

/// <summary>
/// Reassembles DIMSE messages from PDV fragments (PS3.8 Annex E): command fragments first, then data set fragments
/// on the same presentation context, no interleaving with another message. Buffers grow with the bytes that actually
/// arrive and stop at their caps, so memory follows what the peer sent, never what a length field claimed.
/// </summary>
internal sealed class MessageAssembler
{
    public const int MaxCommandBytes = 64 * 1024;

    private readonly long _maxDataSetBytes;
    private MemoryStream? _command;
    private MemoryStream? _dataSet;
    private DimseCommand? _pendingCommand;
    private byte _contextId;
    private bool _dataSetTooLarge;

    public MessageAssembler(long maxDataSetBytes) => _maxDataSetBytes = maxDataSetBytes;

    /// <summary>True between the first fragment of a message and its last one.</summary>
    public bool InProgress => _command is not null || _pendingCommand is not null;

    /// <summary>Adds one fragment; returns the message when it is complete.</summary>
    public DimseMessage? Add(PresentationDataValue pdv)
    {
        if (InProgress && pdv.PresentationContextId != _contextId)
        {
            throw new PduException(AbortReason.UnexpectedPduParameter, $"fragment on presentation context {pdv.PresentationContextId} inside a message on context {_contextId}");
        }

        return pdv.IsCommand ? AddCommand(pdv) : AddDataSet(pdv);
    }

    /// <summary>Drops a half-received message (after an abort or a release).</summary>
    public void Reset()
    {
        _command = null;
        _dataSet = null;
        _pendingCommand = null;
        _dataSetTooLarge = false;
    }

    private DimseMessage? AddCommand(PresentationDataValue pdv)
    {
        if (_pendingCommand is not null)
        {
            throw new PduException(AbortReason.UnexpectedPduParameter, "command fragment where the data set was expected");
        }

        if (_command is null)
        {
            _command = new MemoryStream();
            _contextId = pdv.PresentationContextId;
        }

        if (_command.Length + pdv.Fragment.Length > MaxCommandBytes)
        {
            throw new PduException(AbortReason.InvalidPduParameterValue, $"command set longer than {MaxCommandBytes} bytes");
        }

        _command.Write(pdv.Fragment.Span);
        if (!pdv.IsLast)
        {
            return null;
        }

        DimseCommand command;
        try
        {
            command = DimseCommand.Decode(_command.GetBuffer().AsSpan(0, (int)_command.Length));
        }
        finally
        {
            _command = null;
        }

        if (!command.HasDataSet)
        {
            return new DimseMessage(_contextId, command, null);
        }

        _pendingCommand = command;
        _dataSet = new MemoryStream();
        return null;
    }

    private DimseMessage? AddDataSet(PresentationDataValue pdv)
    {
        if (_pendingCommand is null || _dataSet is null)
        {
            throw new PduException(AbortReason.UnexpectedPduParameter, "data set fragment without a command that announced one");
        }

        if (!_dataSetTooLarge && _dataSet.Length + pdv.Fragment.Length > _maxDataSetBytes)
        {
            // Keep reading to the last fragment so the message can be refused with a status, not an abort.
            _dataSetTooLarge = true;
            _dataSet = new MemoryStream();
        }

        if (!_dataSetTooLarge)
        {
            _dataSet.Write(pdv.Fragment.Span);
        }

        if (!pdv.IsLast)
        {
            return null;
        }

        var message = new DimseMessage(_contextId, _pendingCommand, _dataSetTooLarge ? null : _dataSet.ToArray(), _dataSetTooLarge);
        Reset();
        return message;
    }
}
