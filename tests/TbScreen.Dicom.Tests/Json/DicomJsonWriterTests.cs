using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TbScreen.Dicom.Json;
using TbScreen.Dicom.Tests.TestData;
using TbScreen.Dicom.Writing;

namespace TbScreen.Dicom.Tests.Json;

/// <summary>Our DICOM JSON against dcmtk's dcm2json, attribute by attribute, on real files and on one of every VR.</summary>
public sealed class DicomJsonWriterTests
{
    [SkippableTheory]
    [InlineData("MR_small_bigendian.dcm")]
    [InlineData("RG3_UNC.dcm")]
    [InlineData("image_dfl.dcm")]
    public void A_real_explicit_VR_file_reads_as_dcm2json_writes_it(string name)
    {
        string path = SharedDicomData.PathOf(name);
        Dcm2Json.Require();

        var ours = DicomJsonWriter.Write(new DicomReader().Read(path).Dataset);

        Dcm2Json.AssertSameTree(Dcm2Json.Convert(path), ours, name);
    }

    /// <summary>
    /// An implicit-VR file names no VRs: what our dictionary knows reads as dcm2json's full one does, and the rest is
    /// UN with the value's bytes, as PS3.18 F.2.3 allows, never a guess. Every attribute is still there.
    /// </summary>
    [SkippableTheory]
    [InlineData("CR-MONO1-10-chest.dcm", 40)]
    [InlineData("CT-MONO2-16-ankle.dcm", 41)]
    public void A_real_implicit_VR_file_agrees_with_dcm2json_wherever_our_dictionary_knows_the_VR(string name, int atLeastKnown)
    {
        string path = SharedDicomData.PathOf(name);
        Dcm2Json.Require();
        var reference = Dcm2Json.Convert(path);

        var ours = DicomJsonWriter.Write(new DicomReader().Read(path).Dataset);

        Assert.Equal(reference.Select(p => p.Key).Order(StringComparer.Ordinal), ours.Select(p => p.Key).Order(StringComparer.Ordinal));
        var known = ours.Where(p => p.Value!["vr"]!.GetValue<string>() != "UN").ToList();
        Assert.True(known.Count >= atLeastKnown, $"only {known.Count} attributes of {name} have a known VR");
        foreach (var (key, value) in known)
        {
            Dcm2Json.AssertSameTree(reference[key], value, $"{name}/{key}");
        }
    }

    [SkippableTheory]
    [InlineData(TransferSyntax.ExplicitVrLittleEndianUid)]
    [InlineData(TransferSyntax.ExplicitVrBigEndianUid)]
    public void Every_value_representation_reads_as_dcm2json_writes_it(string transferSyntax)
    {
        Dcm2Json.Require();
        byte[] file = DicomWriter.Write(EveryVr(), transferSyntax);

        var ours = DicomJsonWriter.Write(new DicomReader().Parse(file, "every-vr.dcm").Dataset);
        var reference = Dcm2Json.Convert(file);

        Dcm2Json.AssertSameTree(reference, ours, transferSyntax);
        // The cases a tree comparison could pass by both being wrong are pinned to the standard's own form too.
        Assert.Equal("""{"vr":"PN","Value":[{"Alphabetic":"Yamada^Tarou","Ideographic":"山田^太郎","Phonetic":"やまだ^たろう"}]}""", ours["00100010"]!.ToJsonString(Unescaped));
        Assert.Equal("""{"vr":"CS","Value":["ORIGINAL",null,"AXIAL"]}""", ours["00080008"]!.ToJsonString());
        Assert.Equal("""{"vr":"DS","Value":[0.139,0.15]}""", ours["00280030"]!.ToJsonString());
        Assert.Equal("""{"vr":"AT","Value":["00181063","7FE00010"]}""", ours["00280009"]!.ToJsonString());
        Assert.Equal("""{"vr":"LT","Value":["first\\second"]}""", ours["00204000"]!.ToJsonString());
        Assert.Equal("""{"vr":"SQ"}""", ours["00081110"]!.ToJsonString());
        Assert.Equal("AQACAAMA", ours["00111013"]!["InlineBinary"]!.GetValue<string>()); // OW 1, 2, 3 little endian, whatever the file's order
    }

    [Fact]
    public void Large_binary_values_and_pixel_data_become_links_with_their_attribute_path()
    {
        var dataset = EveryVr();
        var links = new List<string>();
        var options = new DicomJsonOptions { BulkDataUri = path => { links.Add(path); return "https://pacs.example/bulk/" + path; }, BulkDataMinBytes = 1024 };

        var json = DicomJsonWriter.Write(dataset, options);

        Assert.Equal("https://pacs.example/bulk/7FE00010", json["7FE00010"]!["BulkDataURI"]!.GetValue<string>()); // 32 bytes, but Pixel Data always links
        Assert.Equal("https://pacs.example/bulk/00420011", json["00420011"]!["BulkDataURI"]!.GetValue<string>()); // 2000 bytes
        Assert.Equal("AQACAAMA", json["00111013"]!["InlineBinary"]!.GetValue<string>()); // 6 bytes stay inline
        Assert.Equal("https://pacs.example/bulk/00081140/1/00420011", json["00081140"]!["Value"]![1]!["00420011"]!["BulkDataURI"]!.GetValue<string>());
        Assert.Null(json["7FE00010"]!["InlineBinary"]);
        Assert.Equal(["00081140/1/00420011", "00420011", "7FE00010"], links.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public void Encapsulated_pixel_data_inline_is_the_value_field_of_the_file_byte_for_byte()
    {
        string path = SharedDicomData.PathOf("RG3_J2KR.dcm");
        byte[] file = File.ReadAllBytes(path);
        // Explicit VR LE header of (7FE0,0010) OB with undefined length; the value runs to the end of this file.
        int header = file.AsSpan().LastIndexOf(new byte[] { 0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF });
        Assert.True(header > 0);

        var json = DicomJsonWriter.Write(new DicomReader().Read(path).Dataset);

        Assert.Equal(Convert.ToBase64String(file.AsSpan(header + 12)), json["7FE00010"]!["InlineBinary"]!.GetValue<string>());
        Assert.Equal("/f", DicomJsonWriter.Write(new DicomReader().Read(path).Dataset, new DicomJsonOptions { BulkDataUri = p => "/f" })["7FE00010"]!["BulkDataURI"]!.GetValue<string>());
    }

    [Fact]
    public void Non_finite_floats_and_a_decimal_string_that_is_no_number_stay_valid_json_and_unlost()
    {
        var dataset = new DicomDataset();
        dataset.AddString(0x00281050, "DS", "12\\abc");
        dataset.AddBytes(0x00111011, "FD", [.. BitConverter.GetBytes(double.NaN), .. BitConverter.GetBytes(2.5)]);

        var json = DicomJsonWriter.Write(dataset);

        Assert.Equal("""{"00111011":{"vr":"FD","Value":[null,2.5]},"00281050":{"vr":"DS","Value":[12,"abc"]}}""", json.ToJsonString());
    }

    [Fact]
    public void File_meta_and_group_lengths_are_left_out()
    {
        var dataset = new DicomDataset();
        dataset.AddBytes(0x00080000, "UL", [4, 0, 0, 0]);
        dataset.AddString(0x00020010, "UI", TransferSyntax.ExplicitVrLittleEndianUid);
        dataset.AddString(0x00080060, "CS", "CR");

        Assert.Equal("""{"00080060":{"vr":"CS","Value":["CR"]}}""", DicomJsonWriter.Write(dataset).ToJsonString());
    }

    private static readonly System.Text.Json.JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>One attribute of every VR, with the awkward cases: padding, empty values, multi-byte text, nested and empty sequences.</summary>
    private static DicomDataset EveryVr()
    {
        var ds = new DicomDataset(textEncoding: Encoding.UTF8);
        ds.AddString(DicomTag.SpecificCharacterSet, "CS", "ISO_IR 192");
        ds.AddString(0x00080008, "CS", "ORIGINAL\\\\AXIAL ");
        ds.AddString(0x00080018, "UI", "1.2.826.0.1.3680043.10.1386.77.1\0");
        ds.AddString(0x00080020, "DA", "20261207");
        ds.AddString(0x0008002A, "DT", "20261207101500.123456");
        ds.AddString(0x00080030, "TM", "101500.5 ");
        ds.AddString(0x00080050, "SH", "ACC 1");
        ds.AddString(0x00080054, "AE", " STORE1 \\ARCHIVE");
        ds.AddString(0x00080070, "LO", " Acme Medical ");
        ds.AddString(0x00080081, "ST", "1 Main St\\Suite 2 ");
        ds.AddString(0x00080119, "UC", "LONGCODE\\SECOND");
        ds.AddString(0x00080120, "UR", "http://example.org/a b");
        ds.AddString(0x00081070, "PN", "Smith^Ann\\\\Jones^Bo");
        ds.AddSequence(0x00081110);
        ds.AddSequence(0x00081140,
            new DicomDataset(textEncoding: Encoding.UTF8)
                .AddString(0x00081150, "UI", "1.2.840.10008.5.1.4.1.1.1")
                .AddSequence(0x00089215, new DicomDataset(textEncoding: Encoding.UTF8).AddString(0x00080100, "SH", "121311").AddString(0x00080104, "LO", "Localizer")),
            new DicomDataset(textEncoding: Encoding.UTF8).AddBytes(0x00420011, "OB", Enumerable.Range(0, 1500).Select(i => (byte)i).ToArray()),
            new DicomDataset(textEncoding: Encoding.UTF8));
        ds.AddString(0x00100010, "PN", "Yamada^Tarou=山田^太郎=やまだ^たろう");
        ds.AddString(0x00101010, "AS", "042Y");
        ds.AddString(0x00180050, "DS", "");
        ds.Set(new DicomElement(0x00186020, "SL", Le32(-5, 70000)));
        ds.AddString(0x00200013, "IS", "  7");
        ds.AddString(0x00204000, "LT", "first\\second  ");
        ds.AddBytes(0x00280009, "AT", [0x18, 0x00, 0x63, 0x10, 0xE0, 0x7F, 0x10, 0x00]);
        ds.AddUInt16(0x00280010, 4);
        ds.AddUInt16(0x00280011, 4);
        ds.AddString(0x00280030, "DS", " 0.139\\1.5e-1 ");
        ds.AddBytes(0x00280106, "SS", [0xFD, 0xFF]);
        ds.AddBytes(0x00281201, "OW", [.. Enumerable.Range(0, 8).Select(i => (byte)(i * 31))]);
        ds.AddBytes(0x00420011, "OB", [.. Enumerable.Range(0, 2000).Select(i => (byte)(i * 7))]);
        ds.AddString(0x0040A160, "UT", "a\\b ");
        ds.AddString(0x00110010, "LO", "TBSCREEN JSON TEST");
        ds.AddBytes(0x00111010, "FL", [.. BitConverter.GetBytes(0.25f), .. BitConverter.GetBytes(-1.5e-3f)]);
        ds.AddBytes(0x00111011, "FD", BitConverter.GetBytes(1000.125));
        ds.AddBytes(0x00111012, "UL", [.. BitConverter.GetBytes(4_000_000_000u), .. BitConverter.GetBytes(1u)]);
        ds.AddBytes(0x00111013, "OW", [1, 0, 2, 0, 3, 0]);
        ds.AddBytes(0x00111014, "OF", BitConverter.GetBytes(3.5f));
        ds.AddBytes(0x00111015, "OD", BitConverter.GetBytes(-2.25));
        ds.AddBytes(0x00111016, "OL", BitConverter.GetBytes(0x01020304));
        ds.AddBytes(0x00111017, "OV", BitConverter.GetBytes(0x0102030405060708L));
        ds.AddBytes(0x00111018, "SV", BitConverter.GetBytes(-9_000_000_000L));
        ds.AddBytes(0x00111019, "UV", BitConverter.GetBytes(9_000_000_000UL));
        ds.AddBytes(0x0011101A, "UN", [9, 8, 7, 6]);
        ds.AddNativePixels(Enumerable.Range(0, 16).Select(i => i * 100).ToArray(), 16);
        return ds;
    }

    private static byte[] Le32(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }
}
