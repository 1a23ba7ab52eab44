namespace TbScreen.Screening.Persistence;

/// <summary>Npgsql takes keyword=value strings only; operators often paste postgres:// URIs, so accept both.</summary>
internal static class PostgresUri
{
    public static string ToKeywords(string uri)
    {
        var parsed = new Uri(uri);
        var parts = new List<string> { $"Host={parsed.Host}" };
        if (parsed.Port > 0)
        {
            parts.Add($"Port={parsed.Port}");
        }

        string database = parsed.AbsolutePath.Trim('/');
        if (database.Length > 0)
        {
            parts.Add($"Database={Uri.UnescapeDataString(database)}");
        }

        if (parsed.UserInfo.Length > 0)
        {
            var user = parsed.UserInfo.Split(':', 2);
            parts.Add($"Username={Uri.UnescapeDataString(user[0])}");
            if (user.Length == 2)
            {
                parts.Add($"Password={Uri.UnescapeDataString(user[1])}");
            }
        }

        return string.Join(';', parts);
    }
}
