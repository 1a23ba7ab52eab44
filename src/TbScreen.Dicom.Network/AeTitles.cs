namespace TbScreen.Dicom.Network;

/// <summary>AE title rules (PS3.5 6.2, VR AE): 1 to 16 characters of printable ASCII without backslash, not all spaces.</summary>
public static class AeTitles
{
    public const int MaxLength = 16;

    public static bool IsValid(string? title) =>
        title is { Length: > 0 and <= MaxLength }
        && title.Trim(' ').Length > 0
        && title.All(c => c is >= ' ' and < '\x7F' && c != '\\');

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="what"/> when the title is invalid.</summary>
    public static string Require(string? title, string what) => IsValid(title)
        ? title!.Trim(' ')
        : throw new ArgumentException($"{what} '{title}' is not a valid AE title: 1 to {MaxLength} printable ASCII characters, no backslash.");
}
