using System.Runtime.CompilerServices;

namespace TbScreen.Dicom.Codecs.Jpeg;

/// <summary>
/// The predictors of ITU T.81 Annex H (Table H.1) and the rules for the first line, the first
/// column and restart intervals (H.1.2.1). Shared by encoder and decoder so they cannot disagree.
/// </summary>
internal static class LosslessPrediction
{
    public static int InitialValue(int precision, int pointTransform) => 1 << (precision - pointTransform - 1);

    /// <summary>
    /// Prediction for sample <paramref name="i"/> (column <paramref name="x"/>) of a component plane.
    /// <paramref name="firstLine"/>: this row is the first of the scan or of a restart interval, so
    /// only the left neighbour is used. <paramref name="reset"/>: this is the first sample of the scan
    /// or of a restart interval, predicted by 2^(P-Pt-1). Otherwise column 0 uses the sample above.
    /// Shifts are arithmetic on possibly negative differences, as Annex H specifies.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Predict(int[] plane, int i, int x, int width, bool firstLine, bool reset, int predictor, int initial)
    {
        if (reset)
        {
            return initial;
        }

        if (firstLine)
        {
            return plane[i - 1];
        }

        if (x == 0)
        {
            return plane[i - width];
        }

        int ra = plane[i - 1];
        int rb = plane[i - width];
        int rc = plane[i - width - 1];
        return predictor switch
        {
            1 => ra,
            2 => rb,
            3 => rc,
            4 => ra + rb - rc,
            5 => ra + ((rb - rc) >> 1),
            6 => rb + ((ra - rc) >> 1),
            _ => (ra + rb) >> 1,
        };
    }
}
