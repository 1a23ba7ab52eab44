using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using TbScreen.Dicom.Network.Pdus;
using TbScreen.Dicom.Network.Tests.Support;

namespace TbScreen.Dicom.Network.Tests.Fuzzing;

/// <summary>
/// Seeded mutations of valid association + C-ECHO + C-STORE byte streams, each sent on its own connection to one
/// running listener. However a stream is broken, the listener must close that connection promptly, log no error
/// (an error means an unexpected code path), and still answer a normal C-ECHO and C-STORE at the end.
/// </summary>
public sealed class PduStreamFuzzTests
{
    private const int Streams = 5000;
    private const int Parallelism = 8;
    private static readonly TimeSpan CloseDeadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Five_thousand_mutated_streams_never_hurt_the_listener()
    {
        await using var node = await RunningListener.StartAsync(o => o with
        {
            MaxAssociations = 64,
            MaxPduLength = 16384,
            MaxDataSetBytes = 1 << 20,
            ArtimTimeout = TimeSpan.FromSeconds(2),
            IdleTimeout = TimeSpan.FromSeconds(2),
        });
        var seeds = SeedStreams();
        int hung = 0;
        int next = -1;

        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Streams)
            {
                var random = new Random(1_000_003 * i + 17);
                byte[] stream = Mutate(seeds[i % seeds.Count], random);
                if (!await SendAndWaitForCloseAsync(node.Port, stream))
                {
                    Interlocked.Increment(ref hung);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Parallelism).Select(_ => Task.Run(Worker)));

        Assert.Equal(0, hung);
        Assert.Empty(node.Logger.Errors);
        // The mutations reach every layer: upper layer aborts, rejected associations, refused and stored data sets.
        var messages = node.Logger.Entries.Select(e => e.Message).ToList();
        string summary = string.Join(", ", Outcomes.Select(o => $"{o}: {messages.Count(m => m.Contains(o, StringComparison.Ordinal))}"));
        Assert.All(Outcomes, o => Assert.True(messages.Count(m => m.Contains(o, StringComparison.Ordinal)) >= 10, summary));
        await node.AssertStillServesAsync();
        var result = await new DicomClient().StoreFileAsync(node.Peer, SampleFiles.Files[0]);
        Assert.True(result.Stored);
    }

    private static readonly string[] Outcomes = ["protocol error", "sending A-ABORT", "rejected", "C-STORE failed", "C-STORE 0x0000", "released", "peer aborted"];

    private static List<byte[]> SeedStreams()
    {
        var (dataSet, uid) = Wire.SmallRadiograph(seed: 99);
        byte[] associate = Wire.AssociateRequest("TBSCREEN", "FUZZER", Wire.Verification, Wire.ComputedRadiography);
        byte[] store = Wire.Store(3, DicomUids.ComputedRadiographyImageStorage, uid, dataSet, messageId: 2, maxPduLength: 512);
        return
        [
            [.. associate, .. Wire.Echo(messageId: 1), .. store, .. Wire.Release()],
            [.. associate, .. store, .. PduEncoder.Encode(new AbortPdu(AbortSource.ServiceUser, AbortReason.NotSpecified))],
            [.. associate, .. Wire.Echo(messageId: 1), .. Wire.Release()],
        ];
    }

    /// <summary>One to three of: bit flips, hostile 32-bit values (often landing on a length field), truncation, deletion, duplication, random insertion.</summary>
    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = new List<byte>(seed);
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations && bytes.Count > 8; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    uint[] hostile = [0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x0000FFFF, 0x00010000, 16384, 16385];
                    var value = new byte[4];
                    BinaryPrimitives.WriteUInt32BigEndian(value, hostile[random.Next(hostile.Length)]);
                    for (int k = 0; k < 4 && at + k < bytes.Count; k++)
                    {
                        bytes[at + k] = value[k];
                    }

                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 64), bytes.Count - at));
                    break;
                case 5:
                    int length = Math.Min(random.Next(1, 256), bytes.Count - at);
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                default:
                    var noise = new byte[random.Next(1, 32)];
                    random.NextBytes(noise);
                    bytes.InsertRange(at, noise);
                    break;
            }
        }

        return bytes.ToArray();
    }

    /// <summary>Sends the stream, says we are done sending, and waits for the listener to close; false if it does not.</summary>
    private static async Task<bool> SendAndWaitForCloseAsync(int port, byte[] stream)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        using var deadline = new CancellationTokenSource(CloseDeadline);
        var reading = DrainAsync(socket, deadline.Token);
        try
        {
            await socket.SendAsync(stream, SocketFlags.None, deadline.Token);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The listener aborted and closed before taking everything: that is an answer too.
        }

        return await reading;
    }

    private static async Task<bool> DrainAsync(Socket socket, CancellationToken cancellationToken)
    {
        var sink = new byte[8192];
        try
        {
            while (await socket.ReceiveAsync(sink, SocketFlags.None, cancellationToken) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true; // reset by the listener
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
