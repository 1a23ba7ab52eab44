namespace TbScreen.Imaging;

/// <summary>
/// ITU-R BT.601 luma weights. One definition shared by the DICOM RGB path and the PNG/JPEG loader so that
/// a colour image gives the same gray whichever container it arrived in.
/// </summary>
public static class Luma
{
    public const double Red = 0.299;
    public const double Green = 0.587;
    public const double Blue = 0.114;

    public static double FromRgb(double r, double g, double b) => (Red * r) + (Green * g) + (Blue * b);
}
