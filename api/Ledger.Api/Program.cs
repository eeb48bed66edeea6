using Ledger.Api;

// The node's entry point stays thin: NodeApp composes everything, so tests start the same node in-process.
try
{
    await using var app = NodeApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (NodeConfigurationException exception)
{
    await Console.Error.WriteLineAsync($"ledger node: {exception.Message}");
    return 2;
}
