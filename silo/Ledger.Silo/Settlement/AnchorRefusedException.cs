namespace Ledger.Silo.Settlement;

/// <summary>
/// The contract refuses the anchor (found at the gas estimate, before anything was signed).
/// <see cref="TreeSizeNotGrowing"/> says the contract already holds a head at least this large.
/// </summary>
public sealed class AnchorRefusedException : Exception
{
    public AnchorRefusedException(string message, bool treeSizeNotGrowing, Exception? inner = null)
        : base(message, inner) => TreeSizeNotGrowing = treeSizeNotGrowing;

    public bool TreeSizeNotGrowing { get; }
}
