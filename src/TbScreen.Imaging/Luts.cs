namespace TbScreen.Imaging;

/// <summary>Modality LUT: either a linear rescale or an explicit lookup table (PS3.3 C.11.1).</summary>
public abstract record ModalityLut
{
    public abstract double Apply(int storedValue);
}

public sealed record RescaleModalityLut(double Slope, double Intercept) : ModalityLut
{
    public override double Apply(int storedValue) => storedValue * Slope + Intercept;
}

/// <summary>A lookup table: values below FirstMappedValue map to the first entry, above the range to the last.</summary>
public sealed record LookupTable(int FirstMappedValue, int BitsPerEntry, int[] Entries)
{
    public int Map(double input)
    {
        if (Entries.Length == 0)
        {
            throw new InvalidOperationException("Empty lookup table.");
        }

        long index = (long)Math.Floor(input) - FirstMappedValue;
        index = Math.Clamp(index, 0, Entries.Length - 1);
        return Entries[index];
    }
}

public sealed record TableModalityLut(LookupTable Table) : ModalityLut
{
    public override double Apply(int storedValue) => Table.Map(storedValue);
}

/// <summary>VOI transform: a window (PS3.3 C.11.2.1.2) or a VOI LUT.</summary>
public abstract record VoiTransform;

public enum VoiLutFunction
{
    Linear,
    LinearExact,
    Sigmoid,
}

public sealed record WindowVoi(double Center, double Width, VoiLutFunction Function = VoiLutFunction.Linear) : VoiTransform;

public sealed record TableVoi(LookupTable Table) : VoiTransform;
