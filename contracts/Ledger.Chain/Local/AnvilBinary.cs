namespace Ledger.Chain.Local;

/// <summary>
/// Finds the anvil executable that npm installed (package.json pins @foundry-rs/anvil), searching upward
/// from a directory for node_modules. The platform package's native binary is preferred over the
/// node_modules/.bin launcher, which is a Node script: signals sent to it would not reach anvil itself.
/// </summary>
public static class AnvilBinary
{
    private static readonly string[] Candidates =
    [
        Path.Combine("@foundry-rs", "anvil-linux-amd64", "bin", "anvil"),
        Path.Combine("@foundry-rs", "anvil-linux-arm64", "bin", "anvil"),
        Path.Combine("@foundry-rs", "anvil-darwin-arm64", "bin", "anvil"),
        Path.Combine("@foundry-rs", "anvil-darwin-amd64", "bin", "anvil"),
        Path.Combine(".bin", "anvil"),
    ];

    /// <summary>The first anvil found under a node_modules at or above <paramref name="searchRoot"/>.</summary>
    public static string Find(string searchRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(searchRoot);
        for (var directory = new DirectoryInfo(Path.GetFullPath(searchRoot)); directory is not null; directory = directory.Parent)
        {
            var modules = Path.Combine(directory.FullName, "node_modules");
            if (!Directory.Exists(modules))
            {
                continue;
            }

            foreach (var candidate in Candidates)
            {
                var path = Path.Combine(modules, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        throw new FileNotFoundException(
            $"No anvil under a node_modules folder at or above {searchRoot}. Run npm ci at the repository root (make does).");
    }
}
