using System.Text;

namespace TbScreen.Dicom;

/// <summary>
/// Maps Specific Character Set (0008,0005) to a .NET encoding. Default and ISO_IR 100 are Latin-1
/// (a superset of the default repertoire, so bad bytes still decode), ISO_IR 192 is UTF-8, other
/// single-byte sets use the code-page provider; ISO 2022 code extensions are best effort: we
/// decode with the first listed set and strip escape sequences.
/// </summary>
public static class DicomCharacterSet
{
    public static readonly Encoding Default = Encoding.Latin1;

    private static readonly Lazy<bool> CodePagesRegistered = new(() =>
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return true;
    });

    private static readonly Dictionary<string, string> DotNetNames = new(StringComparer.Ordinal)
    {
        ["ISO_IR 101"] = "iso-8859-2",
        ["ISO_IR 109"] = "iso-8859-3",
        ["ISO_IR 110"] = "iso-8859-4",
        ["ISO_IR 144"] = "iso-8859-5",
        ["ISO_IR 127"] = "iso-8859-6",
        ["ISO_IR 126"] = "iso-8859-7",
        ["ISO_IR 138"] = "iso-8859-8",
        ["ISO_IR 148"] = "iso-8859-9",
        ["ISO_IR 203"] = "iso-8859-15",
        ["ISO_IR 13"] = "shift_jis",
        ["ISO_IR 166"] = "windows-874",
        ["GB18030"] = "GB18030",
        ["GBK"] = "GBK",
        ["ISO 2022 IR 87"] = "iso-2022-jp",
        ["ISO 2022 IR 149"] = "iso-2022-kr",
    };

    /// <summary>The encoding for the given (possibly multi-valued) Specific Character Set values.</summary>
    public static Encoding FromTerms(IReadOnlyList<string> terms)
    {
        string first = terms.FirstOrDefault(t => t.Length > 0) ?? string.Empty;
        if (first.Length == 0 && terms.Count > 1)
        {
            first = terms[1];
        }

        switch (first)
        {
            case "":
            case "ISO_IR 6":
            case "ISO 2022 IR 6":
            case "ISO_IR 100":
            case "ISO 2022 IR 100":
                return Encoding.Latin1;
            case "ISO_IR 192":
                return new UTF8Encoding(false, false);
        }

        string key = first.StartsWith("ISO 2022 IR ", StringComparison.Ordinal) && !DotNetNames.ContainsKey(first)
            ? "ISO_IR " + first["ISO 2022 IR ".Length..]
            : first;
        if (DotNetNames.TryGetValue(key, out var name))
        {
            _ = CodePagesRegistered.Value;
            try
            {
                return Encoding.GetEncoding(name);
            }
            catch (ArgumentException)
            {
                return Encoding.Latin1;
            }
        }

        return Encoding.Latin1;
    }
}
