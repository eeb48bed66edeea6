// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {MerkleLog} from "./MerkleLog.sol";

/**
 * @title SettlementAnchor
 * @notice Stores the ledger's log tree heads (size, root) in sequence. A new head is accepted only with an
 * RFC 9162 consistency proof from the latest one, so an anchored prefix of history can never be replaced, not
 * even by the operator's own anchoring key. Anyone can check an RFC 9162 inclusion proof against a stored head.
 * The tree and the proofs are specified byte for byte in docs/PROOFS.md.
 */
contract SettlementAnchor is AccessControl {
    /// @notice Role allowed to call {anchor}.
    bytes32 public constant ANCHOR_ROLE = keccak256("ANCHOR_ROLE");

    struct Head {
        uint64 treeSize;
        uint64 timestamp;
        bytes32 root;
    }

    /// @dev Heads by sequence number; sequence numbers start at 1 and have no gaps.
    mapping(uint64 seq => Head) private _heads;
    /// @dev Sequence number of the latest head; zero while nothing is anchored.
    uint64 private _latestSeq;

    /// @notice A tree head was anchored under sequence number `seq`.
    event Anchored(uint64 indexed seq, uint64 treeSize, bytes32 root);

    /// @notice The constructor was given the zero address for a role holder.
    error SettlementAnchorZeroAddress();
    /// @notice `treeSize` is not larger than the latest anchored size (zero before the first anchor).
    error SettlementAnchorTreeSizeNotGrowing(uint64 latestTreeSize, uint64 treeSize);
    /// @notice The first anchor was given a consistency proof; there is no earlier head to prove anything from.
    error SettlementAnchorUnexpectedProof(uint256 proofLength);
    /// @notice `consistencyProof` does not prove that the new head extends the latest head `latestSeq`.
    error SettlementAnchorInconsistent(uint64 latestSeq, uint64 latestTreeSize, uint64 treeSize);

    /**
     * @param admin receives DEFAULT_ADMIN_ROLE (grants and revokes ANCHOR_ROLE).
     * @param anchorer receives ANCHOR_ROLE.
     */
    constructor(address admin, address anchorer) {
        if (admin == address(0) || anchorer == address(0)) revert SettlementAnchorZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ANCHOR_ROLE, anchorer);
    }

    /**
     * @notice Anchors the head (`treeSize`, `root`) under the next sequence number.
     * @dev Only ANCHOR_ROLE. The first anchor takes an empty `consistencyProof`; every later one an RFC 9162
     * §2.1.4 consistency proof from the latest head to the new one. `treeSize` must be larger than the latest
     * anchored size, so the empty tree is never anchored.
     * Emits {Anchored}.
     */
    function anchor(uint64 treeSize, bytes32 root, bytes32[] calldata consistencyProof)
        external
        onlyRole(ANCHOR_ROLE)
    {
        uint64 latestSeq = _latestSeq;
        Head storage latestHead = _heads[latestSeq];
        uint64 latestTreeSize = latestHead.treeSize;
        if (treeSize <= latestTreeSize) revert SettlementAnchorTreeSizeNotGrowing(latestTreeSize, treeSize);
        if (latestSeq == 0) {
            if (consistencyProof.length != 0) revert SettlementAnchorUnexpectedProof(consistencyProof.length);
        } else if (
            !MerkleLog.verifyConsistency(latestTreeSize, treeSize, latestHead.root, root, consistencyProof)
        ) {
            revert SettlementAnchorInconsistent(latestSeq, latestTreeSize, treeSize);
        }

        // The tree size grows with every anchor and is a uint64, so the sequence number (at most the size)
        // cannot overflow either.
        uint64 seq;
        unchecked {
            seq = latestSeq + 1;
        }
        _heads[seq] = Head({treeSize: treeSize, timestamp: uint64(block.timestamp), root: root});
        _latestSeq = seq;
        emit Anchored(seq, treeSize, root);
    }

    /**
     * @notice The latest anchored head. Before the first anchor: sequence number 0, size 0 and the empty
     * tree's root `keccak256("")`.
     */
    function latest() external view returns (uint64 seq, uint64 treeSize, bytes32 root) {
        seq = _latestSeq;
        if (seq == 0) return (0, 0, MerkleLog.EMPTY_ROOT);
        Head storage head = _heads[seq];
        return (seq, head.treeSize, head.root);
    }

    /**
     * @notice The head anchored under `seq` and the block timestamp (seconds) of the anchoring block.
     * All three are zero for a sequence number not anchored (yet).
     */
    function anchors(uint64 seq) external view returns (uint64 treeSize, bytes32 root, uint64 timestamp) {
        Head storage head = _heads[seq];
        return (head.treeSize, head.root, head.timestamp);
    }

    /**
     * @notice True when `auditPath` is an RFC 9162 §2.1.3 inclusion proof of `leafHash` at `leafIndex` in the
     * head anchored under `seq`. False for a sequence number not anchored, an index outside the tree, or any
     * proof that does not fold to the stored root.
     */
    function verifyInclusion(uint64 seq, uint64 leafIndex, bytes32 leafHash, bytes32[] calldata auditPath)
        external
        view
        returns (bool)
    {
        if (seq == 0 || seq > _latestSeq) return false;
        Head storage head = _heads[seq];
        return MerkleLog.verifyInclusion(leafIndex, head.treeSize, leafHash, auditPath, head.root);
    }
}
