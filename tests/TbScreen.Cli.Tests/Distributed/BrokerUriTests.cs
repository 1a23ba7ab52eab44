using TbScreen.Broker;

namespace TbScreen.Cli.Tests.Distributed;

/// <summary>The broker URI never shows its password, and queue names stay within RabbitMQ's 255-byte limit.</summary>
public sealed class BrokerUriTests
{
    [Theory]
    [InlineData("amqp://tb:s3cr%40t@mq.local:5672/screening", "amqp://tb:***@mq.local:5672/screening")]
    [InlineData("amqps://tb:pw@mq.local/", "amqps://tb:***@mq.local/")]
    [InlineData("amqp://mq.local:5672/", "amqp://mq.local:5672/")]
    [InlineData("amqp://tb@mq.local/", "amqp://tb@mq.local/")]
    public void Passwords_are_replaced_and_nothing_else_changes(string uri, string shown) =>
        Assert.Equal(shown, BrokerUri.Redact(uri));

    [Theory]
    [InlineData("")]
    [InlineData("http://tb:pw@mq.local/")]
    [InlineData("mq.local:5672")]
    public void Anything_but_an_amqp_uri_is_refused_without_echoing_a_password(string uri)
    {
        var e = Assert.Throws<ArgumentException>(() => BrokerUri.Parse(uri));
        Assert.DoesNotContain(":pw@", e.Message);
    }

    [Fact]
    public void Each_model_version_has_its_own_queue_and_long_versions_are_hashed()
    {
        Assert.Equal("tbscreen.items.alexnet@1.0.0+googlenet@1.0.0", BrokerTopology.ItemsQueue("alexnet@1.0.0+googlenet@1.0.0"));
        string longVersion = string.Join('+', Enumerable.Range(0, 40).Select(i => $"member{i}@1.0.0"));
        string queue = BrokerTopology.ItemsQueue(longVersion);
        Assert.StartsWith("tbscreen.items.sha256-", queue);
        Assert.True(queue.Length < 255);
        Assert.NotEqual(queue, BrokerTopology.ItemsQueue(longVersion + "x"));
        var arguments = BrokerTopology.ItemsQueueArguments();
        Assert.Equal(("quorum", BrokerTopology.DeliveryLimit, BrokerTopology.DeadLetterExchange), ((string)arguments["x-queue-type"]!, (int)arguments["x-delivery-limit"]!, (string)arguments["x-dead-letter-exchange"]!));
    }
}
