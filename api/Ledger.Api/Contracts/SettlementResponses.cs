namespace Ledger.Api.Contracts;

/// <summary>A settlement batch as <c>GET /v1/settlements</c> shows it.</summary>
public sealed record SettlementResponse(
    ulong Seq,
    ulong FirstLogIndex,
    ulong TreeSize,
    string Root,
    string ClosedAt,
    IReadOnlyList<NetPositionResponse> NetPositions,
    AnchorResponse Anchor);

/// <summary>One participant's net movement in one currency over the batch; a signed integer string of minor units.</summary>
public sealed record NetPositionResponse(string ParticipantId, string Currency, string Net);

/// <summary>
/// Where the batch's anchor stands: <c>pending</c>, <c>submitted</c>, <c>anchored</c> or <c>final</c>;
/// <c>chain_seq</c> is the sequence number the contract gave the head (the key of <c>anchors(seq)</c>).
/// </summary>
public sealed record AnchorResponse(string Status, string? TxHash, ulong? BlockNumber, ulong? ChainSeq);

public sealed record SettlementListResponse(IReadOnlyList<SettlementResponse> Settlements, ulong? Next);

/// <summary>The inclusion proof of PROOFS.md.</summary>
public sealed record TransferProofResponse(
    TransferResponse Transfer,
    string Record,
    ulong LeafIndex,
    string LeafHash,
    ulong TreeSize,
    string Root,
    IReadOnlyList<string> AuditPath,
    ProofAnchorResponse Anchor);

public sealed record ProofAnchorResponse(ulong ChainId, string Contract, ulong Seq, string TxHash, ulong BlockNumber);

public sealed record ConsistencyProofResponse(ulong From, ulong To, IReadOnlyList<string> Proof);

public sealed record LogRecordResponse(ulong Index, string Record);

public sealed record LogRecordsResponse(IReadOnlyList<LogRecordResponse> Records, ulong? Next);
