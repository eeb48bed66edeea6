// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title MerkleLog
 * @notice Verification of RFC 9162 (Certificate Transparency v2) inclusion and consistency proofs over the
 * ledger's Keccak-256 log tree, exactly as docs/PROOFS.md fixes it:
 * leaf hash `keccak256(0x00 || record)`, node hash `keccak256(0x01 || left || right)`.
 *
 * Both verifiers are the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, step for step. Neither needs an explicit
 * cap on the proof length: every consumed hash shifts the 64-bit `sn` right at least once and a hash consumed
 * while `sn` is zero fails the proof, so at most 64 (inclusion) or 65 (consistency) hashes are ever read.
 */
library MerkleLog {
    /// @notice Root of the empty tree: `keccak256("")`.
    bytes32 internal constant EMPTY_ROOT = keccak256("");

    /// @notice `keccak256(0x00 || record)`.
    function hashLeaf(bytes memory record) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x00), record));
    }

    /// @notice `keccak256(0x01 || left || right)`.
    function hashNode(bytes32 left, bytes32 right) internal pure returns (bytes32 result) {
        // Hashes 65 bytes laid out past the free memory pointer without moving it: the bytes are dead once the
        // hash is taken, so nothing Solidity allocated can be overwritten and nothing needs to be reclaimed.
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            mstore8(buffer, 0x01)
            mstore(add(buffer, 0x01), left)
            mstore(add(buffer, 0x21), right)
            result := keccak256(buffer, 0x41)
        }
    }

    /**
     * @notice RFC 9162 §2.1.3.2: true when `auditPath` proves that `leafHash` is the leaf at `leafIndex` of the
     * tree of `treeSize` leaves whose root is `root`.
     */
    function verifyInclusion(
        uint64 leafIndex,
        uint64 treeSize,
        bytes32 leafHash,
        bytes32[] calldata auditPath,
        bytes32 root
    ) internal pure returns (bool) {
        if (leafIndex >= treeSize) return false;
        uint64 fn = leafIndex;
        uint64 sn = treeSize - 1;
        bytes32 r = leafHash;
        for (uint256 i = 0; i < auditPath.length; ++i) {
            if (sn == 0) return false;
            bytes32 p = auditPath[i];
            if (fn & 1 == 1 || fn == sn) {
                r = hashNode(p, r);
                if (fn & 1 == 0) {
                    while (fn & 1 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = hashNode(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r == root;
    }

    /**
     * @notice RFC 9162 §2.1.4.2: true when `proof` proves that the tree of `secondSize` leaves with root
     * `secondRoot` extends the tree of `firstSize` leaves with root `firstRoot`.
     * @dev Only proofs between two different non-empty sizes are accepted (`0 < firstSize < secondSize`): the
     * anchor never needs the degenerate cases, so they fail rather than verify trivially.
     */
    function verifyConsistency(
        uint64 firstSize,
        uint64 secondSize,
        bytes32 firstRoot,
        bytes32 secondRoot,
        bytes32[] calldata proof
    ) internal pure returns (bool) {
        if (firstSize == 0 || firstSize >= secondSize) return false;
        if (proof.length == 0) return false;

        // Step 2: when the first tree is a perfect left subtree of the second, its root is the first element of
        // the path and the proof leaves it out. `firstSize & (firstSize - 1)` cannot underflow: firstSize > 0.
        uint256 next;
        bytes32 fr;
        if (firstSize & (firstSize - 1) == 0) {
            fr = firstRoot;
            next = 0;
        } else {
            fr = proof[0];
            next = 1;
        }
        bytes32 sr = fr;

        // firstSize >= 1 and secondSize > firstSize, so neither subtraction underflows.
        uint64 fn = firstSize - 1;
        uint64 sn = secondSize - 1;
        while (fn & 1 == 1) {
            fn >>= 1;
            sn >>= 1;
        }

        for (uint256 i = next; i < proof.length; ++i) {
            if (sn == 0) return false;
            bytes32 c = proof[i];
            if (fn & 1 == 1 || fn == sn) {
                fr = hashNode(c, fr);
                sr = hashNode(c, sr);
                if (fn & 1 == 0) {
                    while (fn & 1 == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = hashNode(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return fr == firstRoot && sr == secondRoot && sn == 0;
    }
}
