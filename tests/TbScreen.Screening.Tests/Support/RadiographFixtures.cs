using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TbScreen.Dicom;
using TbScreen.Dicom.Codecs;
using TbScreen.Dicom.Codecs.Jpeg;
using TbScreen.Dicom.Codecs.Native;
using TbScreen.Dicom.Codecs.Rle;
using TbScreen.Dicom.Samples;
using TbScreen.Dicom.Writing;

namespace TbScreen.Screening.Tests.Support;

/// <summary>Test files written by our own DICOM writer and ImageSharp: no external data needed.</summary>
internal static class RadiographFixtures
{
    public static readonly SampleSpec Spec = new(Rows: 128, Columns: 112);

    /// <summary>The phantom CR chest in the given transfer syntax (encoder chosen to match).</summary>
    public static byte[] Dicom(string transferSyntaxUid, Action<DicomDataset>? edit = null, int seed = 1)
    {
        var dataset = SampleDatasets.Create(Spec with { Seed = seed }).Dataset;
        edit?.Invoke(dataset);
        IFrameEncoder? encoder = transferSyntaxUid switch
        {
            TransferSyntax.RleLosslessUid => new RleEncoder(),
            TransferSyntax.JpegLosslessSv1Uid => new JpegLosslessEncoder(),
            _ => null,
        };
        return DicomWriter.Write(dataset, transferSyntaxUid, new DicomWriterOptions { Encoder = encoder });
    }

    /// <summary>Every lossless encoding our writer produces, by name: each must carry the very stored values of explicit-le.</summary>
    public static IReadOnlyDictionary<string, (string Uid, Func<IFrameEncoder?> Encoder)> LosslessEncodings { get; } =
        new Dictionary<string, (string, Func<IFrameEncoder?>)>
        {
            ["explicit-le"] = (TransferSyntax.ExplicitVrLittleEndianUid, () => null),
            ["implicit-le"] = (TransferSyntax.ImplicitVrLittleEndianUid, () => null),
            ["explicit-be"] = (TransferSyntax.ExplicitVrBigEndianUid, () => null),
            ["deflated"] = (TransferSyntax.DeflatedExplicitVrLittleEndianUid, () => null),
            ["rle"] = (TransferSyntax.RleLosslessUid, () => new RleEncoder()),
            ["jpeg-ls-lossless"] = (TransferSyntax.JpegLsLosslessUid, () => new CharLsEncoder(nearLossless: 0)),
            ["jpeg2000-lossless"] = (TransferSyntax.Jpeg2000LosslessUid, () => new OpenJpegEncoder(lossless: true)),
            ["jpeg-lossless-sv1"] = (TransferSyntax.JpegLosslessSv1Uid, () => new JpegLosslessEncoder(1)),
            ["jpeg-lossless-sv2"] = (TransferSyntax.JpegLosslessUid, () => new JpegLosslessEncoder(2)),
            ["jpeg-lossless-sv3"] = (TransferSyntax.JpegLosslessUid, () => new JpegLosslessEncoder(3)),
            ["jpeg-lossless-sv4"] = (TransferSyntax.JpegLosslessUid, () => new JpegLosslessEncoder(4)),
            ["jpeg-lossless-sv5"] = (TransferSyntax.JpegLosslessUid, () => new JpegLosslessEncoder(5)),
            ["jpeg-lossless-sv6"] = (TransferSyntax.JpegLosslessUid, () => new JpegLosslessEncoder(6)),
            ["jpeg-lossless-sv7"] = (TransferSyntax.JpegLosslessUid, () => new JpegLosslessEncoder(7)),
        };

    /// <summary>The lossy encodings; JPEG baseline carries 8-bit samples only, so its phantom is 8-bit.</summary>
    public static IReadOnlyDictionary<string, (string Uid, Func<IFrameEncoder> Encoder)> LossyEncodings { get; } =
        new Dictionary<string, (string, Func<IFrameEncoder>)>
        {
            ["jpeg-baseline"] = (TransferSyntax.JpegBaselineUid, () => new JpegBaselineEncoder(quality: 90)),
            ["jpeg2000-lossy"] = (TransferSyntax.Jpeg2000Uid, () => new OpenJpegEncoder(lossless: false, compressionRatio: 8)),
            ["jpeg-ls-near2"] = (TransferSyntax.JpegLsNearLosslessUid, () => new CharLsEncoder(nearLossless: 2)),
        };

    /// <summary>The phantom in one named encoding of <see cref="LosslessEncodings"/> or <see cref="LossyEncodings"/>.</summary>
    public static byte[] Encoded(string name, bool eightBit = false)
    {
        var (uid, encoder) = LosslessEncodings.TryGetValue(name, out var lossless) ? lossless : (LossyEncodings[name].Uid, LossyEncodings[name].Encoder);
        var spec = eightBit ? Spec with { BitsAllocated = 8, BitsStored = 8 } : Spec;
        return DicomWriter.Write(SampleDatasets.Create(spec).Dataset, uid, new DicomWriterOptions { Encoder = encoder() });
    }

    public static string SopOf(int seed) => "1.2.826.0.1.3680043.10.1386." + seed + ".3";

    /// <summary>A valid file whose transfer syntax UID we do not know.</summary>
    public static byte[] UnknownSyntax()
    {
        var bytes = Dicom(TransferSyntax.ExplicitVrLittleEndianUid);
        return Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(bytes).Replace("1.2.840.10008.1.2.1\0", "1.2.840.10008.1.2.9\0"));
    }

    /// <summary>A DICOM file cut off inside its pixel data.</summary>
    public static byte[] Truncated()
    {
        var bytes = Dicom(TransferSyntax.ExplicitVrLittleEndianUid);
        return bytes[..(bytes.Length / 2)];
    }

    public static byte[] Png()
    {
        var stored = ChestPhantom.Generate(Spec.Rows, Spec.Columns, 255, seed: 7);
        using var image = new Image<L8>(Spec.Columns, Spec.Rows);
        for (int y = 0; y < Spec.Rows; y++)
        {
            for (int x = 0; x < Spec.Columns; x++)
            {
                image[x, y] = new L8((byte)stored[(y * Spec.Columns) + x]);
            }
        }

        using var output = new MemoryStream();
        image.SaveAsPng(output);
        return output.ToArray();
    }

    /// <summary>A PNG signature followed by garbage.</summary>
    public static byte[] CorruptPng() => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Encoding.ASCII.GetBytes("this is not a chunk stream at all")];

    public static byte[] Text() => Encoding.UTF8.GetBytes("Patient list\nnot an image, just notes\n");
}
