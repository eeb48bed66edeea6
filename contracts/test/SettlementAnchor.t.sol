// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Test} from "./utils/Test.sol";
import {SettlementAnchor} from "../src/SettlementAnchor.sol";

/// @notice Every revert and event of SettlementAnchor on small trees worked out by hand.
contract SettlementAnchorTest is Test {
    address internal constant ADMIN = address(0xA11CE);
    address internal constant ANCHORER = address(0xB0B);
    address internal constant STRANGER = address(0xBAD);

    SettlementAnchor internal anchorContract;
    bytes32 internal anchorRole;

    bytes32 internal l0 = keccak256("l0");
    bytes32 internal l1 = keccak256("l1");
    bytes32 internal l2 = keccak256("l2");
    bytes32 internal l3 = keccak256("l3");
    bytes32 internal n01 = _node(l0, l1);
    bytes32 internal n23 = _node(l2, l3);
    bytes32 internal root3 = _node(n01, l2);
    bytes32 internal root4 = _node(n01, n23);

    function setUp() public {
        anchorContract = new SettlementAnchor(ADMIN, ANCHORER);
        anchorRole = anchorContract.ANCHOR_ROLE();
    }

    function test_constructorGrantsRoles() public {
        vm.assertEq(anchorRole, keccak256("ANCHOR_ROLE"), "role id");
        vm.assertTrue(anchorContract.hasRole(anchorContract.DEFAULT_ADMIN_ROLE(), ADMIN), "admin");
        vm.assertTrue(anchorContract.hasRole(anchorRole, ANCHORER), "anchorer");
        vm.assertFalse(anchorContract.hasRole(anchorRole, ADMIN), "admin does not anchor");

        vm.expectEmit(true, true, true, true);
        emit IAccessControl.RoleGranted(bytes32(0), ADMIN, address(this));
        vm.expectEmit(true, true, true, true);
        emit IAccessControl.RoleGranted(keccak256("ANCHOR_ROLE"), ANCHORER, address(this));
        new SettlementAnchor(ADMIN, ANCHORER);
    }

    function test_constructorRefusesZeroAddresses() public {
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.SettlementAnchorZeroAddress.selector));
        new SettlementAnchor(address(0), ANCHORER);
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.SettlementAnchorZeroAddress.selector));
        new SettlementAnchor(ADMIN, address(0));
    }

    function test_latestBeforeAnyAnchorIsTheEmptyTree() public view {
        (uint64 seq, uint64 treeSize, bytes32 root) = anchorContract.latest();
        vm.assertEq(seq, 0, "seq");
        vm.assertEq(treeSize, 0, "size");
        vm.assertEq(root, keccak256(""), "root");
        (uint64 storedSize, bytes32 storedRoot, uint64 timestamp) = anchorContract.anchors(1);
        vm.assertEq(storedSize, 0, "anchors(1) size");
        vm.assertEq(storedRoot, bytes32(0), "anchors(1) root");
        vm.assertEq(timestamp, 0, "anchors(1) timestamp");
    }

    function test_firstAnchorStoresHeadAndEmits() public {
        vm.warp(1_795_000_000);
        vm.expectEmit(true, true, true, true, address(anchorContract));
        emit SettlementAnchor.Anchored(1, 3, root3);
        vm.prank(ANCHORER);
        anchorContract.anchor(3, root3, new bytes32[](0));

        (uint64 seq, uint64 treeSize, bytes32 root) = anchorContract.latest();
        vm.assertEq(seq, 1, "seq");
        vm.assertEq(treeSize, 3, "size");
        vm.assertEq(root, root3, "root");
        (uint64 storedSize, bytes32 storedRoot, uint64 timestamp) = anchorContract.anchors(1);
        vm.assertEq(storedSize, 3, "stored size");
        vm.assertEq(storedRoot, root3, "stored root");
        vm.assertEq(timestamp, 1_795_000_000, "timestamp");
    }

    function test_secondAnchorWithConsistencyProof() public {
        _anchorThree();
        vm.warp(1_795_000_100);
        bytes32[] memory proof = new bytes32[](3);
        // PROOF(3, D[4]): l2, l3 (the right pair of the new tree), n01.
        proof[0] = l2;
        proof[1] = l3;
        proof[2] = n01;
        vm.expectEmit(true, true, true, true, address(anchorContract));
        emit SettlementAnchor.Anchored(2, 4, root4);
        vm.prank(ANCHORER);
        anchorContract.anchor(4, root4, proof);

        (uint64 seq, uint64 treeSize, bytes32 root) = anchorContract.latest();
        vm.assertEq(seq, 2, "seq");
        vm.assertEq(treeSize, 4, "size");
        vm.assertEq(root, root4, "root");
        (uint64 firstSize, bytes32 firstRoot, uint64 firstTimestamp) = anchorContract.anchors(1);
        vm.assertEq(firstSize, 3, "first head kept");
        vm.assertEq(firstRoot, root3, "first root kept");
        vm.assertEq(firstTimestamp, 1_795_000_000, "first timestamp kept");
        (,, uint64 secondTimestamp) = anchorContract.anchors(2);
        vm.assertEq(secondTimestamp, 1_795_000_100, "second timestamp");
    }

    function test_anchorOnlyByAnchorRole() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, anchorRole)
        );
        vm.prank(STRANGER);
        anchorContract.anchor(3, root3, new bytes32[](0));

        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ADMIN, anchorRole)
        );
        vm.prank(ADMIN);
        anchorContract.anchor(3, root3, new bytes32[](0));
    }

    function test_adminRotatesTheAnchoringKey() public {
        vm.expectEmit(true, true, true, true, address(anchorContract));
        emit IAccessControl.RoleGranted(anchorRole, STRANGER, ADMIN);
        vm.prank(ADMIN);
        anchorContract.grantRole(anchorRole, STRANGER);
        vm.expectEmit(true, true, true, true, address(anchorContract));
        emit IAccessControl.RoleRevoked(anchorRole, ANCHORER, ADMIN);
        vm.prank(ADMIN);
        anchorContract.revokeRole(anchorRole, ANCHORER);

        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ANCHORER, anchorRole)
        );
        vm.prank(ANCHORER);
        anchorContract.anchor(3, root3, new bytes32[](0));
        vm.prank(STRANGER);
        anchorContract.anchor(3, root3, new bytes32[](0));
    }

    function test_firstAnchorRefusesEmptyTree() public {
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.SettlementAnchorTreeSizeNotGrowing.selector, 0, 0));
        vm.prank(ANCHORER);
        anchorContract.anchor(0, keccak256(""), new bytes32[](0));
    }

    function test_firstAnchorRefusesAProof() public {
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = l2;
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.SettlementAnchorUnexpectedProof.selector, 1));
        vm.prank(ANCHORER);
        anchorContract.anchor(3, root3, proof);
    }

    function test_anchorRefusesSizeThatDoesNotGrow() public {
        _anchorThree();
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = l2;
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.SettlementAnchorTreeSizeNotGrowing.selector, 3, 3));
        vm.prank(ANCHORER);
        anchorContract.anchor(3, root3, new bytes32[](0));
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.SettlementAnchorTreeSizeNotGrowing.selector, 3, 2));
        vm.prank(ANCHORER);
        anchorContract.anchor(2, n01, proof);
    }

    function test_anchorRefusesInconsistentHeads() public {
        _anchorThree();
        bytes32[] memory proof = new bytes32[](3);
        proof[0] = l2;
        proof[1] = l3;
        proof[2] = n01;
        bytes memory expected = abi.encodeWithSelector(SettlementAnchor.SettlementAnchorInconsistent.selector, 1, 3, 4);

        vm.expectRevert(expected);
        vm.prank(ANCHORER);
        anchorContract.anchor(4, root4, new bytes32[](0));

        // A rewritten leaf 0: a different root of 4 with the same proof.
        vm.expectRevert(expected);
        vm.prank(ANCHORER);
        anchorContract.anchor(4, _node(_node(keccak256("forged"), l1), n23), proof);

        // A proof that omits the old tree's left pair.
        bytes32[] memory shortProof = new bytes32[](2);
        shortProof[0] = l2;
        shortProof[1] = l3;
        vm.expectRevert(expected);
        vm.prank(ANCHORER);
        anchorContract.anchor(4, root4, shortProof);

        // The head is still the first one.
        (uint64 seq,,) = anchorContract.latest();
        vm.assertEq(seq, 1, "seq unchanged");
    }

    function test_anchorRefusesLargerSizeClaimedForAnOldRoot() public {
        vm.prank(ANCHORER);
        anchorContract.anchor(2, n01, new bytes32[](0));
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = n23;
        // The proof 2 -> 4 folds to root4, but claims eight leaves.
        vm.expectRevert(abi.encodeWithSelector(SettlementAnchor.SettlementAnchorInconsistent.selector, 1, 2, 8));
        vm.prank(ANCHORER);
        anchorContract.anchor(8, root4, proof);
        vm.prank(ANCHORER);
        anchorContract.anchor(4, root4, proof);
    }

    function test_verifyInclusion() public {
        _anchorThree();
        bytes32[] memory path = new bytes32[](1);
        path[0] = n01;
        vm.assertTrue(anchorContract.verifyInclusion(1, 2, l2, path), "leaf 2");
        vm.assertFalse(anchorContract.verifyInclusion(1, 2, l1, path), "wrong leaf");
        vm.assertFalse(anchorContract.verifyInclusion(1, 1, l2, path), "wrong index");
        vm.assertFalse(anchorContract.verifyInclusion(1, 3, l2, path), "index equal to size");
        vm.assertFalse(anchorContract.verifyInclusion(0, 2, l2, path), "seq 0");
        vm.assertFalse(anchorContract.verifyInclusion(2, 2, l2, path), "seq not anchored yet");

        path = new bytes32[](2);
        path[0] = l1;
        path[1] = l2;
        vm.assertTrue(anchorContract.verifyInclusion(1, 0, l0, path), "leaf 0");
        path[1] = l3;
        vm.assertFalse(anchorContract.verifyInclusion(1, 0, l0, path), "wrong sibling");
    }

    function _anchorThree() internal {
        vm.warp(1_795_000_000);
        vm.prank(ANCHORER);
        anchorContract.anchor(3, root3, new bytes32[](0));
    }

    function _node(bytes32 left, bytes32 right) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(uint8(1), left, right));
    }
}
