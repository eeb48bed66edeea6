using Ledger.Auditor.Cli;

return await AuditorCommandLine.InvokeAsync(args, Console.Out, Console.Error, CancellationToken.None);
