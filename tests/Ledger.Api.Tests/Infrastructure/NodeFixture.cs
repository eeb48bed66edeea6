namespace Ledger.Api.Tests.Infrastructure;

/// <summary>One node shared by the tests of a class; each test makes its own participants and accounts.</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    private TestNode? node;

    public TestNode Node => node ?? throw new InvalidOperationException("The node has not started.");

    public Scenario Scenario => new(Node);

    public async Task InitializeAsync() => node = await TestNode.StartAsync();

    public async Task DisposeAsync()
    {
        if (node is not null)
        {
            await node.DisposeAsync();
        }
    }
}
