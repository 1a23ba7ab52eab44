using System.Globalization;

namespace TbScreen.Audit;

/// <summary>
/// Age bands written "0-14,15-34,35-54,55+". A band "a-b" holds a &lt;= age &lt; (next band's lower bound), so a
/// fractional age such as 14.5 stays in 0-14; "a+" is open-ended. Ages below the first bound, and missing ages,
/// are "unknown".
/// </summary>
public sealed class AgeBands
{
    public const string Default = "0-14,15-34,35-54,55+";
    public const string Unknown = "unknown";

    private readonly (double Lower, string Label)[] _bands;

    private AgeBands((double Lower, string Label)[] bands) => _bands = bands;

    public IReadOnlyList<string> Labels => _bands.Select(b => b.Label).ToArray();

    public static AgeBands Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var bands = new List<(double, string)>();
        string[] parts = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            bool open = part.EndsWith('+');
            string lowerText = open ? part[..^1] : part.Split('-')[0];
            if (!double.TryParse(lowerText, NumberStyles.Float, CultureInfo.InvariantCulture, out double lower)
                || (open && i != parts.Length - 1)
                || (!open && part.Split('-').Length != 2))
            {
                throw new FormatException($"age band '{part}' must look like 15-34, or 55+ as the last band");
            }

            if (bands.Count > 0 && lower <= bands[^1].Item1)
            {
                throw new FormatException($"age bands must increase: '{part}' starts at or below the previous band");
            }

            bands.Add((lower, part));
        }

        if (bands.Count == 0)
        {
            throw new FormatException("no age bands given");
        }

        return new AgeBands([.. bands]);
    }

    public string Label(double? age)
    {
        if (age is not double a || !double.IsFinite(a) || a < _bands[0].Lower)
        {
            return Unknown;
        }

        for (int i = _bands.Length - 1; i >= 0; i--)
        {
            if (a >= _bands[i].Lower)
            {
                // A closed last band "a-b" ends at b + 1.
                bool closedLast = i == _bands.Length - 1 && !_bands[i].Label.EndsWith('+');
                if (closedLast && a >= double.Parse(_bands[i].Label.Split('-')[1], CultureInfo.InvariantCulture) + 1)
                {
                    return Unknown;
                }

                return _bands[i].Label;
            }
        }

        return Unknown;
    }
}
