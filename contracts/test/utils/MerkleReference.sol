// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @notice Reference implementation of the RFC 9162 §2.1 tree for the tests: the definitions of MTH (§2.1.1),
 * PATH (§2.1.3.1) and PROOF/SUBPROOF (§2.1.4.1) written as the RFC states them, over an in-memory list of leaf
 * hashes, with the PROOFS.md Keccak-256 prefixes. It generates what the contract's verifiers must accept.
 *
 * It shares no code with src/MerkleLog.sol on purpose: node hashes come from abi.encodePacked here and from
 * assembly there, and proofs are built from the recursive definitions, not folded by the §2.1.x.2 loops.
 *
 * MTH of aligned power-of-two ranges (every left subtree in the RFC split is one) is read from a table of
 * perfect subtree hashes built once per tree, so a proof costs O(log² n) instead of O(n).
 * `mthUncached` is the plain definition, and a test checks the two agree.
 */
library MerkleReference {
    struct Tree {
        uint256 size;
        // levels[h][i] = MTH of leaves [i * 2^h, (i + 1) * 2^h); levels[0] are the leaf hashes.
        bytes32[][] levels;
    }

    /// @dev Longest proof for a tree of up to 2^64 leaves, with room to spare.
    uint256 internal constant MAX_PROOF = 130;

    function leafHash(bytes memory record) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x00), record));
    }

    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x01), left, right));
    }

    /// @dev Largest power of two strictly below `n`, for n > 1.
    function splitPoint(uint256 n) internal pure returns (uint256 k) {
        require(n > 1, "splitPoint: n <= 1");
        k = 1;
        while (k << 1 < n) k <<= 1;
    }

    function build(bytes32[] memory leaves) internal pure returns (Tree memory tree) {
        tree.size = leaves.length;
        uint256 height = 0;
        while ((uint256(1) << height) < leaves.length) ++height;
        tree.levels = new bytes32[][](height + 1);
        tree.levels[0] = leaves;
        for (uint256 h = 1; h <= height; ++h) {
            bytes32[] memory below = tree.levels[h - 1];
            bytes32[] memory level = new bytes32[](below.length / 2);
            for (uint256 i = 0; i < level.length; ++i) {
                level[i] = nodeHash(below[2 * i], below[2 * i + 1]);
            }
            tree.levels[h] = level;
        }
    }

    /// @notice MTH(D[start:start+n]).
    function mth(Tree memory tree, uint256 start, uint256 n) internal pure returns (bytes32) {
        if (n == 0) return keccak256("");
        if (n == 1) return tree.levels[0][start];
        if (n & (n - 1) == 0 && start % n == 0) {
            uint256 h = 0;
            while ((uint256(1) << h) < n) ++h;
            return tree.levels[h][start / n];
        }
        uint256 k = splitPoint(n);
        return nodeHash(mth(tree, start, k), mth(tree, start + k, n - k));
    }

    /// @notice MTH(D[start:start+n]) straight from the definition, without the table.
    function mthUncached(bytes32[] memory leaves, uint256 start, uint256 n) internal pure returns (bytes32) {
        if (n == 0) return keccak256("");
        if (n == 1) return leaves[start];
        uint256 k = splitPoint(n);
        return nodeHash(mthUncached(leaves, start, k), mthUncached(leaves, start + k, n - k));
    }

    function root(Tree memory tree, uint256 size) internal pure returns (bytes32) {
        return mth(tree, 0, size);
    }

    /// @notice PATH(m, D[0:size]), deepest sibling first.
    function inclusionPath(Tree memory tree, uint256 m, uint256 size) internal pure returns (bytes32[] memory) {
        require(m < size && size <= tree.size, "inclusionPath: out of range");
        bytes32[] memory out = new bytes32[](MAX_PROOF);
        uint256 length = _path(tree, m, 0, size, out, 0);
        assembly ("memory-safe") {
            mstore(out, length)
        }
        return out;
    }

    /// @notice PROOF(m, D[0:size]) for 0 < m < size.
    function consistencyProof(Tree memory tree, uint256 m, uint256 size) internal pure returns (bytes32[] memory) {
        require(0 < m && m < size && size <= tree.size, "consistencyProof: out of range");
        bytes32[] memory out = new bytes32[](MAX_PROOF);
        uint256 length = _subproof(tree, m, 0, size, true, out, 0);
        assembly ("memory-safe") {
            mstore(out, length)
        }
        return out;
    }

    // PATH(m, D[start:start+n]) appended to out[length:]; returns the new length.
    function _path(Tree memory tree, uint256 m, uint256 start, uint256 n, bytes32[] memory out, uint256 length)
        private
        pure
        returns (uint256)
    {
        if (n == 1) return length;
        uint256 k = splitPoint(n);
        if (m < k) {
            length = _path(tree, m, start, k, out, length);
            out[length] = mth(tree, start + k, n - k);
        } else {
            length = _path(tree, m - k, start + k, n - k, out, length);
            out[length] = mth(tree, start, k);
        }
        return length + 1;
    }

    // SUBPROOF(m, D[start:start+n], b) appended to out[length:]; returns the new length.
    function _subproof(
        Tree memory tree,
        uint256 m,
        uint256 start,
        uint256 n,
        bool b,
        bytes32[] memory out,
        uint256 length
    ) private pure returns (uint256) {
        if (m == n) {
            if (b) return length;
            out[length] = mth(tree, start, n);
            return length + 1;
        }
        uint256 k = splitPoint(n);
        if (m <= k) {
            length = _subproof(tree, m, start, k, b, out, length);
            out[length] = mth(tree, start + k, n - k);
        } else {
            length = _subproof(tree, m - k, start + k, n - k, false, out, length);
            out[length] = mth(tree, start, k);
        }
        return length + 1;
    }
}
