// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "./utils/Test.sol";
import {MerkleReference} from "./utils/MerkleReference.sol";
import {MerkleLog} from "../src/MerkleLog.sol";
import {SettlementAnchor} from "../src/SettlementAnchor.sol";

/// @dev Exposes the library's verifiers with calldata proofs, as SettlementAnchor calls them.
contract MerkleLogHarness {
    function verifyInclusion(uint64 leafIndex, uint64 treeSize, bytes32 leafHash, bytes32[] calldata path, bytes32 root)
        external
        pure
        returns (bool)
    {
        return MerkleLog.verifyInclusion(leafIndex, treeSize, leafHash, path, root);
    }

    function verifyConsistency(
        uint64 firstSize,
        uint64 secondSize,
        bytes32 firstRoot,
        bytes32 secondRoot,
        bytes32[] calldata proof
    ) external pure returns (bool) {
        return MerkleLog.verifyConsistency(firstSize, secondSize, firstRoot, secondRoot, proof);
    }

    function hashLeaf(bytes calldata record) external pure returns (bytes32) {
        return MerkleLog.hashLeaf(record);
    }

    function hashNode(bytes32 left, bytes32 right) external pure returns (bytes32) {
        return MerkleLog.hashNode(left, right);
    }
}

/**
 * @notice The Merkle verifiers against the reference implementation: every inclusion and every consistency
 * proof of random trees of up to 1,000 leaves verifies, and one flipped byte, a missing hash or an extra hash
 * makes each of them fail.
 */
contract MerkleLogTest is Test {
    using MerkleReference for MerkleReference.Tree;

    uint256 internal constant MAX_LEAVES = 1000;

    MerkleLogHarness internal harness;
    SettlementAnchor internal anchorContract;

    function setUp() public {
        harness = new MerkleLogHarness();
        anchorContract = new SettlementAnchor(address(this), address(this));
    }

    // ---- hashing and small trees worked out by hand -------------------------------------------------------

    function test_hashesUsePrefixesOfProofsMd() public view {
        bytes memory record = new bytes(128);
        record[0] = 0xab;
        vm.assertEq(harness.hashLeaf(record), keccak256(abi.encodePacked(uint8(0), record)), "leaf hash");
        bytes32 a = keccak256("a");
        bytes32 b = keccak256("b");
        vm.assertEq(harness.hashNode(a, b), keccak256(abi.encodePacked(uint8(1), a, b)), "node hash");
        vm.assertTrue(harness.hashNode(a, b) != harness.hashNode(b, a), "node hash is ordered");
        vm.assertEq(MerkleLog.EMPTY_ROOT, keccak256(""), "empty root");
    }

    function test_threeLeafTreeByHand() public view {
        bytes32 l0 = keccak256("l0");
        bytes32 l1 = keccak256("l1");
        bytes32 l2 = keccak256("l2");
        bytes32 n01 = keccak256(abi.encodePacked(uint8(1), l0, l1));
        bytes32 root3 = keccak256(abi.encodePacked(uint8(1), n01, l2));

        // Inclusion of leaf 2 in three leaves: one sibling, the left subtree.
        bytes32[] memory path = new bytes32[](1);
        path[0] = n01;
        vm.assertTrue(harness.verifyInclusion(2, 3, l2, path, root3), "leaf 2 of 3");
        // Inclusion of leaf 0: l1, then l2.
        path = new bytes32[](2);
        path[0] = l1;
        path[1] = l2;
        vm.assertTrue(harness.verifyInclusion(0, 3, l0, path, root3), "leaf 0 of 3");
        vm.assertFalse(harness.verifyInclusion(1, 3, l0, path, root3), "leaf 0's path at index 1");
        vm.assertFalse(harness.verifyInclusion(3, 3, l0, path, root3), "index equal to size");

        // Consistency 2 -> 3: the old tree is perfect, so the proof is only l2.
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = l2;
        vm.assertTrue(harness.verifyConsistency(2, 3, n01, root3, proof), "2 -> 3");
        // Consistency 1 -> 3: l1, l2.
        proof = new bytes32[](2);
        proof[0] = l1;
        proof[1] = l2;
        vm.assertTrue(harness.verifyConsistency(1, 3, l0, root3, proof), "1 -> 3");
        vm.assertFalse(harness.verifyConsistency(1, 3, l1, root3, proof), "1 -> 3 from the wrong old root");
    }

    /**
     * @notice A proof that folds to the right root but stops before the tree's top level is refused: otherwise
     * an inner node could pass for a leaf, and a head could claim more leaves than its root covers.
     */
    function test_proofsEndingBelowTheTopFail() public view {
        bytes32 l0 = keccak256("l0");
        bytes32 l1 = keccak256("l1");
        bytes32 l2 = keccak256("l2");
        bytes32 l3 = keccak256("l3");
        bytes32 n01 = keccak256(abi.encodePacked(uint8(1), l0, l1));
        bytes32 n23 = keccak256(abi.encodePacked(uint8(1), l2, l3));
        bytes32 root4 = keccak256(abi.encodePacked(uint8(1), n01, n23));

        bytes32[] memory path = new bytes32[](1);
        path[0] = n23;
        vm.assertFalse(harness.verifyInclusion(0, 4, n01, path, root4), "inner node as leaf 0");
        path[0] = n01;
        vm.assertTrue(harness.verifyInclusion(1, 2, n23, path, root4), "the same fold in a two-leaf tree");

        bytes32[] memory proof = new bytes32[](1);
        proof[0] = n23;
        vm.assertTrue(harness.verifyConsistency(2, 4, n01, root4, proof), "2 -> 4");
        vm.assertFalse(harness.verifyConsistency(2, 8, n01, root4, proof), "2 -> 8 with the root of 4");
    }

    function test_degenerateConsistencyProofsFail() public view {
        bytes32 r = keccak256("r");
        bytes32[] memory none = new bytes32[](0);
        bytes32[] memory one = new bytes32[](1);
        one[0] = r;
        vm.assertFalse(harness.verifyConsistency(0, 1, r, r, one), "from the empty tree");
        vm.assertFalse(harness.verifyConsistency(3, 3, r, r, none), "same size, no proof");
        vm.assertFalse(harness.verifyConsistency(3, 3, r, r, one), "same size, a proof");
        vm.assertFalse(harness.verifyConsistency(4, 3, r, r, one), "shrinking");
        vm.assertFalse(harness.verifyConsistency(1, 2, r, r, none), "empty proof");
    }

    function testFuzz_referenceTableMatchesDefinition(uint256 seed, uint256 sizeSeed) public pure {
        uint256 n = bound(sizeSeed, 1, 70);
        bytes32[] memory leaves = _leaves(seed, n);
        MerkleReference.Tree memory tree = MerkleReference.build(leaves);
        for (uint256 start = 0; start < n; ++start) {
            for (uint256 size = 1; start + size <= n; ++size) {
                vm.assertEq(tree.mth(start, size), MerkleReference.mthUncached(leaves, start, size), "MTH");
            }
        }
    }

    // ---- every proof of random trees ----------------------------------------------------------------------

    /// forge-config: default.fuzz.runs = 48
    function testFuzz_everyInclusionProofVerifiesOnChain(uint256 seed, uint256 sizeSeed) public {
        uint256 n = _treeSize(sizeSeed);
        MerkleReference.Tree memory tree = MerkleReference.build(_leaves(seed, n));
        bytes32 root = tree.root(n);
        anchorContract.anchor(uint64(n), root, new bytes32[](0));

        for (uint256 i = 0; i < n; ++i) {
            uint256 memoryMark = _memoryMark();
            _checkInclusion(tree, n, root, i, uint256(keccak256(abi.encode(seed, i))));
            _restoreMemory(memoryMark);
        }
        vm.assertFalse(anchorContract.verifyInclusion(1, uint64(n), tree.levels[0][0], new bytes32[](0)), "index n");
    }

    /// forge-config: default.fuzz.runs = 48
    function testFuzz_everyConsistencyProofVerifies(uint256 seed, uint256 sizeSeed) public view {
        uint256 n = _treeSize(sizeSeed);
        if (n < 2) n = 2;
        MerkleReference.Tree memory tree = MerkleReference.build(_leaves(seed, n));
        bytes32 root = tree.root(n);

        for (uint256 m = 1; m < n; ++m) {
            uint256 memoryMark = _memoryMark();
            _checkConsistency(tree, m, n, root, uint256(keccak256(abi.encode(seed, m))));
            _restoreMemory(memoryMark);
        }
    }

    function _checkInclusion(MerkleReference.Tree memory tree, uint256 n, bytes32 root, uint256 i, uint256 pick)
        internal
        view
    {
        bytes32 leaf = tree.levels[0][i];
        bytes32[] memory path = tree.inclusionPath(i, n);
        vm.assertTrue(anchorContract.verifyInclusion(1, uint64(i), leaf, path), "inclusion proof");
        vm.assertTrue(harness.verifyInclusion(uint64(i), uint64(n), leaf, path, root), "library");

        if (path.length == 0) {
            vm.assertFalse(anchorContract.verifyInclusion(1, uint64(i), _flipByte(leaf, pick), path), "flipped leaf");
        } else {
            bytes32[] memory flipped = _copy(path, path.length);
            uint256 at = pick % path.length;
            flipped[at] = _flipByte(flipped[at], pick >> 8);
            vm.assertFalse(anchorContract.verifyInclusion(1, uint64(i), leaf, flipped), "flipped byte");
            vm.assertFalse(
                anchorContract.verifyInclusion(1, uint64(i), leaf, _copy(path, path.length - 1)), "hash missing"
            );
            vm.assertFalse(
                harness.verifyInclusion(uint64(i), uint64(n), leaf, path, _flipByte(root, pick >> 16)), "flipped root"
            );
        }
        bytes32[] memory longer = _copy(path, path.length + 1);
        longer[path.length] = path.length == 0 ? leaf : path[path.length - 1];
        vm.assertFalse(anchorContract.verifyInclusion(1, uint64(i), leaf, longer), "extra hash");
        vm.assertFalse(harness.verifyInclusion(uint64(i), uint64(2 * n), leaf, path, root), "claimed size 2n");
    }

    function _checkConsistency(MerkleReference.Tree memory tree, uint256 m, uint256 n, bytes32 root, uint256 pick)
        internal
        view
    {
        bytes32 oldRoot = tree.root(m);
        bytes32[] memory proof = tree.consistencyProof(m, n);
        vm.assertTrue(harness.verifyConsistency(uint64(m), uint64(n), oldRoot, root, proof), "consistency proof");

        bytes32[] memory flipped = _copy(proof, proof.length);
        uint256 at = pick % proof.length;
        flipped[at] = _flipByte(flipped[at], pick >> 8);
        vm.assertFalse(harness.verifyConsistency(uint64(m), uint64(n), oldRoot, root, flipped), "flipped byte");
        vm.assertFalse(
            harness.verifyConsistency(uint64(m), uint64(n), _flipByte(oldRoot, pick >> 16), root, proof),
            "flipped old root"
        );
        vm.assertFalse(
            harness.verifyConsistency(uint64(m), uint64(n), oldRoot, _flipByte(root, pick >> 24), proof),
            "flipped new root"
        );
        vm.assertFalse(
            harness.verifyConsistency(uint64(m), uint64(n), oldRoot, root, _copy(proof, proof.length - 1)),
            "hash missing"
        );
        bytes32[] memory longer = _copy(proof, proof.length + 1);
        longer[proof.length] = proof[proof.length - 1];
        vm.assertFalse(harness.verifyConsistency(uint64(m), uint64(n), oldRoot, root, longer), "extra hash");
        vm.assertFalse(harness.verifyConsistency(uint64(m), uint64(2 * n), oldRoot, root, proof), "claimed size 2n");
    }

    /**
     * @notice A chain of growing heads anchored with reference proofs is accepted, a rewritten history is
     * refused at every step, and every stored head still proves the inclusion of its leaves.
     */
    /// forge-config: default.fuzz.runs = 48
    function testFuzz_anchorChainRefusesRewrittenHistory(uint256 seed, uint256 stepsSeed) public {
        uint256 steps = bound(stepsSeed, 2, 12);
        MerkleReference.Tree memory tree = MerkleReference.build(_leaves(seed, MAX_LEAVES));
        uint256[] memory sizes = new uint256[](steps + 1);
        uint256 size = 0;
        for (uint256 step = 1; step <= steps; ++step) {
            uint256 remaining = MAX_LEAVES - size - (steps - step);
            size += bound(uint256(keccak256(abi.encode(seed, "step", step))), 1, remaining < 200 ? remaining : 200);
            sizes[step] = size;
            bytes32 root = tree.root(size);
            bytes32[] memory proof = step == 1 ? new bytes32[](0) : tree.consistencyProof(sizes[step - 1], size);

            if (step > 1) {
                // The same new size built over a history with one earlier leaf changed: its proof is a valid
                // proof for the forged history, but not from the head on chain.
                uint256 forgedIndex = bound(uint256(keccak256(abi.encode(seed, "forge", step))), 0, sizes[step - 1] - 1);
                bytes32[] memory forgedLeaves = _copy(tree.levels[0], size);
                forgedLeaves[forgedIndex] = keccak256(abi.encode("forged", forgedIndex));
                MerkleReference.Tree memory forged = MerkleReference.build(forgedLeaves);
                bytes32[] memory forgedProof = forged.consistencyProof(sizes[step - 1], size);
                vm.expectRevert(
                    abi.encodeWithSelector(
                        SettlementAnchor.SettlementAnchorInconsistent.selector,
                        uint64(step - 1),
                        uint64(sizes[step - 1]),
                        uint64(size)
                    )
                );
                anchorContract.anchor(uint64(size), forged.root(size), forgedProof);
                // The true root with a proof for another old size does not pass either.
                if (sizes[step - 1] > 1) {
                    bytes32[] memory otherProof = tree.consistencyProof(sizes[step - 1] - 1, size);
                    vm.expectRevert(
                        abi.encodeWithSelector(
                            SettlementAnchor.SettlementAnchorInconsistent.selector,
                            uint64(step - 1),
                            uint64(sizes[step - 1]),
                            uint64(size)
                        )
                    );
                    anchorContract.anchor(uint64(size), root, otherProof);
                }
            }

            anchorContract.anchor(uint64(size), root, proof);
            (uint64 latestSeq, uint64 latestSize, bytes32 latestRoot) = anchorContract.latest();
            vm.assertEq(latestSeq, step, "latest seq");
            vm.assertEq(latestSize, size, "latest size");
            vm.assertEq(latestRoot, root, "latest root");
        }

        for (uint256 seq = 1; seq <= steps; ++seq) {
            uint256 leafIndex = bound(uint256(keccak256(abi.encode(seed, "leaf", seq))), 0, sizes[seq] - 1);
            bytes32[] memory path = tree.inclusionPath(leafIndex, sizes[seq]);
            vm.assertTrue(
                anchorContract.verifyInclusion(uint64(seq), uint64(leafIndex), tree.levels[0][leafIndex], path),
                "inclusion at an earlier head"
            );
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /// @dev Half the runs take a uniform size, half a size next to a power of two, where the tree shapes change.
    function _treeSize(uint256 sizeSeed) internal pure returns (uint256) {
        if (sizeSeed & 1 == 0) return bound(sizeSeed >> 1, 1, MAX_LEAVES);
        uint256 power = uint256(1) << bound(sizeSeed >> 1, 0, 9);
        uint256 n = power + bound(sizeSeed >> 8, 0, 2) - 1;
        return n == 0 ? 1 : n;
    }

    function _leaves(uint256 seed, uint256 n) internal pure returns (bytes32[] memory leaves) {
        leaves = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            leaves[i] = MerkleReference.leafHash(abi.encodePacked(keccak256(abi.encode(seed, i)), new bytes(96)));
        }
    }

    function _flipByte(bytes32 value, uint256 pick) internal pure returns (bytes32) {
        uint256 bytePosition = pick % 32;
        uint8 mask = uint8(pick >> 5) | 1; // never zero, so the byte always changes
        return value ^ bytes32(uint256(mask) << (8 * bytePosition));
    }

    function _copy(bytes32[] memory source, uint256 length) internal pure returns (bytes32[] memory copy) {
        copy = new bytes32[](length);
        for (uint256 i = 0; i < length && i < source.length; ++i) {
            copy[i] = source[i];
        }
    }

    // The proof loops allocate a few hundred bytes per proof that are dead at the end of the iteration. Solidity
    // never frees memory, and memory cost grows quadratically, so the loops hand it back explicitly.
    function _memoryMark() internal pure returns (uint256 mark) {
        assembly {
            mark := mload(0x40)
        }
    }

    function _restoreMemory(uint256 mark) internal pure {
        assembly {
            mstore(0x40, mark)
        }
    }
}
