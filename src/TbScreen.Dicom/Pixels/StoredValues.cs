namespace TbScreen.Dicom.Pixels;

/// <summary>Turns raw cell values into stored values: shift by High Bit, mask to Bits Stored, sign-extend.</summary>
internal static class StoredValues
{
    public static void Normalise(int[] values, int bitsStored, int shift, bool signed)
    {
        uint mask = bitsStored >= 32 ? uint.MaxValue : (1u << bitsStored) - 1;
        int signShift = 32 - bitsStored;
        for (int i = 0; i < values.Length; i++)
        {
            uint v = ((uint)values[i] >> shift) & mask;
            values[i] = signed ? ((int)(v << signShift)) >> signShift : (int)v;
        }
    }
}
