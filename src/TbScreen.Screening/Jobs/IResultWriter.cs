namespace TbScreen.Screening.Jobs;

/// <summary>Receives rows in input order as they become available; <see cref="Complete"/> closes the document.</summary>
public interface IResultWriter : IDisposable
{
    void Write(BatchRow row);

    void Complete();
}
