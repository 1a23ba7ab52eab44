namespace TbScreen.Web.Api;

/// <summary>A multipart/related body (RFC 2387), as WADO-RS answers retrievals: one part per object, frame or value.</summary>
internal static class MultipartRelated
{
    public static IResult Of(string partType, IEnumerable<byte[]> parts)
    {
        string boundary = "tbscreen-" + Guid.NewGuid().ToString("N");
        using var body = new MemoryStream();
        void Line(string text) => body.Write(System.Text.Encoding.ASCII.GetBytes(text + "\r\n"));
        foreach (byte[] part in parts)
        {
            Line($"--{boundary}");
            Line($"Content-Type: {partType}");
            Line("");
            body.Write(part);
            Line("");
        }

        Line($"--{boundary}--");
        return Results.Bytes(body.ToArray(), $"multipart/related; type=\"{partType}\"; boundary={boundary}");
    }
}
