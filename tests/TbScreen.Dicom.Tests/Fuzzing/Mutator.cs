namespace TbScreen.Dicom.Tests.Fuzzing;

/// <summary>Seeded structure-blind mutations that hit length fields, tags and codec streams alike.</summary>
public sealed class Mutator(int seed)
{
    private static readonly uint[] HostileLengths = [0xFFFFFFFF, 0xFFFFFFFE, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0x00010000, 0, 1, 3];
    private static readonly byte[] HostileBytes = [0x00, 0xFF, 0x7F, 0x80, 0xFE, 0xE0, 0xDD, 0x0D];

    private readonly Random _random = new(seed);

    public (byte[] Bytes, string Description) Mutate(byte[] original)
    {
        var bytes = (byte[])original.Clone();
        int kind = _random.Next(7);
        int at = _random.Next(bytes.Length);
        switch (kind)
        {
            case 0:
                int flips = 1 + _random.Next(8);
                for (int i = 0; i < flips; i++)
                {
                    int p = _random.Next(bytes.Length);
                    bytes[p] ^= (byte)(1 << _random.Next(8));
                }

                return (bytes, $"{flips} bit flips");
            case 1:
                bytes[at] = HostileBytes[_random.Next(HostileBytes.Length)];
                return (bytes, $"hostile byte at {at}");
            case 2:
                if (at + 4 <= bytes.Length)
                {
                    BitConverter.GetBytes(HostileLengths[_random.Next(HostileLengths.Length)]).CopyTo(bytes, at);
                }

                return (bytes, $"hostile 32-bit value at {at}");
            case 3:
                if (at + 2 <= bytes.Length)
                {
                    BitConverter.GetBytes((ushort)_random.Next(65536)).CopyTo(bytes, at);
                }

                return (bytes, $"random 16-bit value at {at}");
            case 4:
                return (bytes[..at], $"truncated to {at}");
            case 5:
                int length = Math.Min(1 + _random.Next(64), bytes.Length - at);
                return ([.. bytes[..at], .. bytes[(at + length)..]], $"deleted {length} bytes at {at}");
            default:
                int from = _random.Next(bytes.Length);
                int count = Math.Min(1 + _random.Next(32), bytes.Length - from);
                return ([.. bytes[..at], .. bytes.AsSpan(from, count), .. bytes[at..]], $"duplicated {count} bytes from {from} at {at}");
        }
    }
}
