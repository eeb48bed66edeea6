using System.Buffers.Binary;

namespace Ledger.Bench.Payouts;

/// <summary>
/// Recipient addresses for the payout figures: a one-byte series tag, zeros, and the number, so every
/// number of a series is an address of its own that no one has paid before (the chain is fresh each run)
/// and none is the zero address or a contract.
/// </summary>
internal static class Recipients
{
    /// <summary>The gas figures' recipients.</summary>
    public const byte GasSeries = 0xA1;

    /// <summary>The silo run's recipients.</summary>
    public const byte SiloSeries = 0xB1;

    public static byte[] Address(byte series, int number)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        var address = new byte[Chain.Abi.Address.Length];
        address[0] = series;
        BinaryPrimitives.WriteInt32BigEndian(address.AsSpan(Chain.Abi.Address.Length - sizeof(int)), number);
        return address;
    }
}
