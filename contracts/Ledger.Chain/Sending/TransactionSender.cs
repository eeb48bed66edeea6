using System.Numerics;
using Ledger.Chain.Abi;
using Ledger.Chain.Crypto;
using Ledger.Chain.Rpc;
using Ledger.Chain.Transactions;

namespace Ledger.Chain.Sending;

/// <summary>
/// Builds, signs and sends EIP-1559 transactions from one key. Gas is the node's estimate plus a margin,
/// never above the cap; the fee cap is twice the latest base fee plus the priority fee, so the transaction
/// stays includable while the base fee doubles. The signed bytes go to the caller to record before they
/// are sent, so that after a crash the very same transaction can be sent again.
/// </summary>
public sealed class TransactionSender
{
    private readonly EthKey _key;
    private readonly NonceManager _nonces;
    private readonly TransactionSenderOptions _options;
    private readonly TimeProvider _time;

    public TransactionSender(
        EthClient eth, EthKey key, NonceManager nonces, ulong chainId, TransactionSenderOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(eth);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(nonces);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (nonces.Sender != key.Address)
        {
            throw new ArgumentException($"The nonce manager counts nonces of {nonces.Sender}, not of the key's {key.Address}.", nameof(nonces));
        }

        Eth = eth;
        _key = key;
        _nonces = nonces;
        ChainId = chainId;
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    public EthClient Eth { get; }

    public Address Sender => _key.Address;

    public ulong ChainId { get; }

    public TransactionSenderOptions Options => _options;

    /// <summary>Opens the nonce file for the key, reads the chain id, and returns a sender for them.</summary>
    public static async Task<TransactionSender> CreateAsync(
        EthClient eth, EthKey key, string nonceFilePath, TransactionSenderOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(eth);
        ArgumentNullException.ThrowIfNull(key);
        var chainId = await eth.GetChainIdAsync(cancellationToken);
        var nonces = await NonceManager.OpenAsync(nonceFilePath, key.Address, eth, cancellationToken);
        return new TransactionSender(eth, key, nonces, chainId, options);
    }

    /// <summary>
    /// Signs the transaction, hands it to <paramref name="recordAsync"/> to store durably, uses up its
    /// nonce, then sends it. If sending fails after the record, the transaction stays recorded: send it
    /// again with <see cref="ResendAsync"/>. A revert during the gas estimate throws
    /// <see cref="JsonRpcException"/> with the revert data, before anything is signed.
    /// </summary>
    public async Task<PendingTransaction> SendAsync(
        TransactionRequest request, Func<PendingTransaction, CancellationToken, Task> recordAsync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(recordAsync);
        var (gasLimit, fees) = await PrepareAsync(request, cancellationToken);
        PendingTransaction pending;
        using (var lease = await _nonces.AcquireAsync(cancellationToken))
        {
            pending = Sign(request, lease.Nonce, gasLimit, fees);
            await recordAsync(pending, cancellationToken);
            lease.Consume();
        }

        await ResendAsync(pending, cancellationToken);
        return pending;
    }

    /// <summary>
    /// Signs and sends without a record. The nonce is used up only once the node has accepted the
    /// transaction, so a crash before that leaves no gap; after a fault that leaves it unclear whether the
    /// node took it, the nonce count is read again from the chain.
    /// </summary>
    public async Task<PendingTransaction> SendAsync(TransactionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (gasLimit, fees) = await PrepareAsync(request, cancellationToken);
        var uncertain = false;
        try
        {
            using var lease = await _nonces.AcquireAsync(cancellationToken);
            var pending = Sign(request, lease.Nonce, gasLimit, fees);
            try
            {
                await Eth.SendRawTransactionAsync(pending.Raw, cancellationToken);
            }
            catch (RpcTransportException)
            {
                uncertain = true;
                throw;
            }

            lease.Consume();
            return pending;
        }
        finally
        {
            if (uncertain)
            {
                await _nonces.ReconcileAsync(Eth, CancellationToken.None);
            }
        }
    }

    /// <summary>Sends a recorded transaction (again). The same bytes are the same transaction: it is included at most once.</summary>
    public async Task<Hash32> ResendAsync(PendingTransaction pending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var hash = await Eth.SendRawTransactionAsync(pending.Raw, cancellationToken);
        return hash == pending.Hash
            ? hash
            : throw new InvalidOperationException($"The recorded transaction {pending.Hash} hashes to {hash}: the record is corrupt.");
    }

    /// <summary>Polls for the receipt until it appears or the receipt timeout passes.</summary>
    public async Task<RpcReceipt> WaitForReceiptAsync(Hash32 transactionHash, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var receipt = await Eth.GetTransactionReceiptAsync(transactionHash, cancellationToken);
            if (receipt is not null)
            {
                return receipt;
            }

            var waited = _time.GetElapsedTime(started);
            if (waited >= _options.ReceiptTimeout)
            {
                throw new ReceiptTimeoutException(transactionHash, waited);
            }

            await Task.Delay(_options.ReceiptPollInterval, _time, cancellationToken);
        }
    }

    /// <summary>Sends without a record and waits for the receipt: for one-off transactions such as deployments.</summary>
    public async Task<RpcReceipt> SendAndWaitAsync(TransactionRequest request, CancellationToken cancellationToken)
    {
        var pending = await SendAsync(request, cancellationToken);
        return await WaitForReceiptAsync(pending.Hash, cancellationToken);
    }

    /// <summary>The gas limit (estimate plus margin, held to the cap) and the fees.</summary>
    private async Task<(ulong GasLimit, FeeInputs Fees)> PrepareAsync(TransactionRequest request, CancellationToken cancellationToken)
    {
        ulong gasLimit;
        if (request.GasLimit is { } fixedLimit)
        {
            if (fixedLimit > _options.MaxGasLimit)
            {
                throw new GasCapExceededException(fixedLimit, _options.MaxGasLimit);
            }

            gasLimit = fixedLimit;
        }
        else
        {
            var call = new CallRequest(request.To, request.Data, Sender, request.Value);
            var estimate = await Eth.EstimateGasAsync(call, cancellationToken);
            if (estimate > _options.MaxGasLimit)
            {
                throw new GasCapExceededException(estimate, _options.MaxGasLimit);
            }

            var withMargin = (BigInteger)estimate * (100 + _options.GasMarginPercent) / 100;
            gasLimit = (ulong)BigInteger.Min(withMargin, _options.MaxGasLimit);
        }

        var fees = await Eth.GetFeeInputsAsync(cancellationToken);
        return (gasLimit, fees);
    }

    private PendingTransaction Sign(TransactionRequest request, ulong nonce, ulong gasLimit, FeeInputs fees)
    {
        var transaction = new Eip1559Transaction(
            ChainId,
            nonce,
            fees.MaxPriorityFeePerGas,
            (fees.BaseFeePerGas * 2) + fees.MaxPriorityFeePerGas,
            gasLimit,
            request.To,
            request.Value,
            request.Data);
        var signed = transaction.Sign(_key);
        return new PendingTransaction(Hash32.FromBytes(signed.Hash), Sender, nonce, gasLimit, signed.Raw);
    }
}
