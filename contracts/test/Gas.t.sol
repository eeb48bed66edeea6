// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "./utils/Test.sol";
import {PayoutBatcher} from "../src/PayoutBatcher.sol";
import {SettlementAnchor} from "../src/SettlementAnchor.sol";
import {SettlementEscrow} from "../src/SettlementEscrow.sol";
import {TestUSD} from "../src/TestUSD.sol";

/**
 * @notice Proofs for a log in which every leaf hash is the same. Then the root of any n leaves depends on n
 * alone, so trees of a million leaves cost O(log n) hashes to build proofs for. The contract does the same work
 * for these proofs as for any other of the same length, which is all the gas figures need.
 */
library UniformTree {
    function node(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x01), left, right));
    }

    function split(uint256 n) internal pure returns (uint256 k) {
        k = 1;
        while (k << 1 < n) k <<= 1;
    }

    function root(bytes32 leaf, uint256 n) internal pure returns (bytes32 result) {
        if (n & (n - 1) == 0) {
            // A perfect tree: one hash per level, both children equal.
            result = leaf;
            for (uint256 size = 1; size < n; size <<= 1) {
                result = node(result, result);
            }
            return result;
        }
        uint256 k = split(n);
        return node(root(leaf, k), root(leaf, n - k));
    }

    function inclusionPath(bytes32 leaf, uint256 m, uint256 n) internal pure returns (bytes32[] memory path) {
        path = new bytes32[](0);
        if (n == 1) return path;
        uint256 k = split(n);
        bytes32[] memory below = m < k ? inclusionPath(leaf, m, k) : inclusionPath(leaf, m - k, n - k);
        return _append(below, m < k ? root(leaf, n - k) : root(leaf, k));
    }

    function consistencyProof(bytes32 leaf, uint256 m, uint256 n, bool b) internal pure returns (bytes32[] memory) {
        if (m == n) {
            bytes32[] memory own = new bytes32[](b ? 0 : 1);
            if (!b) own[0] = root(leaf, n);
            return own;
        }
        uint256 k = split(n);
        if (m <= k) return _append(consistencyProof(leaf, m, k, b), root(leaf, n - k));
        return _append(consistencyProof(leaf, m - k, n - k, false), root(leaf, k));
    }

    function _append(bytes32[] memory list, bytes32 value) private pure returns (bytes32[] memory longer) {
        longer = new bytes32[](list.length + 1);
        for (uint256 i = 0; i < list.length; ++i) {
            longer[i] = list[i];
        }
        longer[list.length] = value;
    }
}

/**
 * @notice The calls whose gas contracts/README.md records, one per test, each checked to have done its work.
 * Measured with `bash contracts/scripts/forge-test.sh --match-contract GasTest --isolate --gas-report`, where
 * every call is its own transaction (base cost, calldata and cold storage included).
 */
contract GasTest is Test {
    address internal constant ANCHORER = address(0xB0B);
    address internal constant PAYER = address(0x9A7E4);
    address internal constant PAYEE = address(0xFEE);
    address internal constant ARBITER = address(0xA4B);
    address internal constant RELAYER = address(0x4E1A);
    // An outside payer who funds an escrow with a permit alone: no approve, no transaction of its own.
    uint256 internal constant PERMIT_PAYER_KEY = 0x0D75;

    // A full commit batch (8,189 transfers) on top of a log just under a million entries gives a 20-hash proof.
    uint256 internal constant FIRST_SIZE = 999_999;
    uint256 internal constant SECOND_SIZE = 1_008_188;
    bytes32 internal constant LEAF = keccak256(abi.encodePacked(bytes1(0x00), bytes32("record")));

    SettlementAnchor internal anchorContract;
    SettlementEscrow internal escrow;
    PayoutBatcher internal batcher;
    TestUSD internal usd;

    function setUp() public {
        vm.warp(1_795_000_000);
        anchorContract = new SettlementAnchor(address(this), ANCHORER);
        escrow = new SettlementEscrow(address(this), RELAYER);
        batcher = new PayoutBatcher(address(this), PAYER);
        usd = new TestUSD(address(this));
        usd.mint(PAYER, 1_000_000_000_000);
        usd.mint(vm.addr(PERMIT_PAYER_KEY), 1_000_000_000);
        vm.startPrank(PAYER);
        usd.approve(address(escrow), type(uint256).max);
        usd.approve(address(batcher), type(uint256).max);
        vm.stopPrank();
    }

    function testGas_firstAnchor() public {
        vm.prank(ANCHORER);
        anchorContract.anchor(uint64(FIRST_SIZE), UniformTree.root(LEAF, FIRST_SIZE), new bytes32[](0));
        (uint64 seq,,) = anchorContract.latest();
        vm.assertEq(seq, 1, "anchored");
    }

    function testGas_anchorWithTwentyHashConsistencyProof() public {
        vm.prank(ANCHORER);
        anchorContract.anchor(uint64(FIRST_SIZE), UniformTree.root(LEAF, FIRST_SIZE), new bytes32[](0));
        bytes32[] memory proof = UniformTree.consistencyProof(LEAF, FIRST_SIZE, SECOND_SIZE, true);
        vm.assertEq(proof.length, 20, "proof length");
        bytes32 root = UniformTree.root(LEAF, SECOND_SIZE);
        vm.prank(ANCHORER);
        anchorContract.anchor(uint64(SECOND_SIZE), root, proof);
        (uint64 seq, uint64 treeSize,) = anchorContract.latest();
        vm.assertEq(seq, 2, "anchored");
        vm.assertEq(treeSize, SECOND_SIZE, "size");
    }

    function testGas_verifyInclusion() public {
        vm.prank(ANCHORER);
        anchorContract.anchor(uint64(SECOND_SIZE), UniformTree.root(LEAF, SECOND_SIZE), new bytes32[](0));
        bytes32[] memory path = UniformTree.inclusionPath(LEAF, 0, SECOND_SIZE);
        vm.assertEq(path.length, 20, "path length");
        vm.assertTrue(anchorContract.verifyInclusion(1, 0, LEAF, path), "included");
    }

    function testGas_escrowOpenRelease() public {
        bytes32 id = keccak256("order-release");
        vm.prank(PAYER);
        escrow.open(id, PAYEE, usd, 250_000_000, uint64(block.timestamp + 1 days), ARBITER);
        vm.prank(ARBITER);
        escrow.release(id);
        vm.assertEq(usd.balanceOf(PAYEE), 250_000_000, "released");
    }

    function testGas_escrowOpenRefund() public {
        bytes32 id = keccak256("order-refund");
        vm.prank(PAYER);
        escrow.open(id, PAYEE, usd, 250_000_000, uint64(block.timestamp + 1 days), ARBITER);
        vm.prank(ARBITER);
        escrow.refund(id);
        vm.assertEq(usd.balanceOf(address(escrow)), 0, "refunded");
    }

    function testGas_escrowOpenWithPermitForRelayed() public {
        bytes32 id = keccak256("order-relayed");
        address payer = vm.addr(PERMIT_PAYER_KEY);
        uint256 permitDeadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                payer,
                address(escrow),
                250_000_000,
                usd.nonces(payer),
                permitDeadline
            )
        );
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(PERMIT_PAYER_KEY, keccak256(abi.encodePacked("\x19\x01", usd.DOMAIN_SEPARATOR(), structHash)));
        vm.prank(RELAYER);
        escrow.openWithPermitFor(
            id, payer, PAYEE, usd, 250_000_000, uint64(block.timestamp + 1 days), ARBITER, permitDeadline, v, r, s
        );
        (address recorded,,,,,,) = escrow.escrows(id);
        vm.assertEq(recorded, payer, "payer on record");
        vm.assertEq(usd.balanceOf(address(escrow)), 250_000_000, "escrow holds");
    }

    function testGas_payoutBatchOf1() public {
        _pay(1);
    }

    function testGas_payoutBatchOf10() public {
        _pay(10);
    }

    function testGas_payoutBatchOf100() public {
        _pay(100);
    }

    /// @dev Every payout to a fresh recipient: the realistic case, and the dearest (a new balance slot each).
    function _pay(uint256 count) internal {
        PayoutBatcher.Payout[] memory payouts = new PayoutBatcher.Payout[](count);
        for (uint256 i = 0; i < count; ++i) {
            payouts[i] = PayoutBatcher.Payout({
                id: keccak256(abi.encode("payout", count, i)),
                to: address(uint160(0x10000 + i)),
                amount: 1_000_000 + i
            });
        }
        vm.prank(PAYER);
        batcher.pay(usd, payouts);
        vm.assertTrue(batcher.isPaid(payouts[count - 1].id), "paid");
        vm.assertEq(usd.balanceOf(payouts[count - 1].to), 1_000_000 + count - 1, "recipient");
    }
}
