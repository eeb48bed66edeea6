// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Test, Vm} from "./utils/Test.sol";
import {ReentrantToken} from "./utils/Mocks.sol";
import {PayoutBatcher} from "../src/PayoutBatcher.sol";
import {TestUSD} from "../src/TestUSD.sol";

/// @notice Every revert and event of PayoutBatcher; a paid id is never paid again, and a failing batch pays none.
contract PayoutBatcherTest is Test {
    address internal constant ADMIN = address(0xA11CE);
    address internal constant PAYER = address(0x9A7E4);
    address internal constant STRANGER = address(0xBAD);
    uint256 internal constant FUNDS = 1_000_000_000_000;

    PayoutBatcher internal batcher;
    TestUSD internal usd;
    bytes32 internal payerRole;

    function setUp() public {
        batcher = new PayoutBatcher(ADMIN, PAYER);
        payerRole = batcher.PAYER_ROLE();
        usd = new TestUSD(address(this));
        usd.mint(PAYER, FUNDS);
        vm.prank(PAYER);
        usd.approve(address(batcher), type(uint256).max);
    }

    function test_constructorGrantsRoles() public view {
        vm.assertEq(payerRole, keccak256("PAYER_ROLE"), "role id");
        vm.assertTrue(batcher.hasRole(bytes32(0), ADMIN), "admin");
        vm.assertTrue(batcher.hasRole(payerRole, PAYER), "payer");
        vm.assertEq(batcher.MAX_PAYOUTS_PER_BATCH(), 256, "batch limit");
    }

    function test_constructorRefusesZeroAddresses() public {
        vm.expectRevert(abi.encodeWithSelector(PayoutBatcher.PayoutBatcherZeroAddress.selector));
        new PayoutBatcher(address(0), PAYER);
        vm.expectRevert(abi.encodeWithSelector(PayoutBatcher.PayoutBatcherZeroAddress.selector));
        new PayoutBatcher(ADMIN, address(0));
    }

    function test_payEmitsOnePaidPerPayoutInOrder() public {
        PayoutBatcher.Payout[] memory payouts = _payouts("batch", 3);
        for (uint256 i = 0; i < payouts.length; ++i) {
            vm.expectEmit(true, true, true, true, address(batcher));
            emit PayoutBatcher.Paid(payouts[i].id, address(usd), payouts[i].to, payouts[i].amount, PAYER);
        }
        vm.prank(PAYER);
        batcher.pay(usd, payouts);

        uint256 total;
        for (uint256 i = 0; i < payouts.length; ++i) {
            vm.assertEq(usd.balanceOf(payouts[i].to), payouts[i].amount, "recipient paid");
            vm.assertTrue(batcher.isPaid(payouts[i].id), "marked paid");
            total += payouts[i].amount;
        }
        vm.assertEq(usd.balanceOf(PAYER), FUNDS - total, "paid from the caller");
        vm.assertEq(usd.balanceOf(address(batcher)), 0, "batcher holds nothing");
    }

    function test_payOnlyByPayerRole() public {
        PayoutBatcher.Payout[] memory payouts = _payouts("batch", 1);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, payerRole)
        );
        vm.prank(STRANGER);
        batcher.pay(usd, payouts);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ADMIN, payerRole)
        );
        vm.prank(ADMIN);
        batcher.pay(usd, payouts);
    }

    function test_payRefusesZeroToken() public {
        vm.expectRevert(abi.encodeWithSelector(PayoutBatcher.PayoutBatcherZeroAddress.selector));
        vm.prank(PAYER);
        batcher.pay(IERC20(address(0)), _payouts("batch", 1));
    }

    function test_payRefusesEmptyBatch() public {
        vm.expectRevert(abi.encodeWithSelector(PayoutBatcher.PayoutBatcherEmptyBatch.selector));
        vm.prank(PAYER);
        batcher.pay(usd, new PayoutBatcher.Payout[](0));
    }

    function test_payRefusesBatchOverLimit() public {
        vm.expectRevert(abi.encodeWithSelector(PayoutBatcher.PayoutBatcherBatchTooLarge.selector, 257, 256));
        vm.prank(PAYER);
        batcher.pay(usd, _payouts("big", 257));
        vm.prank(PAYER);
        batcher.pay(usd, _payouts("big", 256));
    }

    function test_paidIdRevertsTheWholeLaterBatch() public {
        PayoutBatcher.Payout[] memory first = _payouts("first", 2);
        vm.prank(PAYER);
        batcher.pay(usd, first);

        // A new batch that repeats the second payout of the first batch at its end.
        PayoutBatcher.Payout[] memory second = _payouts("second", 3);
        second[2] = first[1];
        vm.expectRevert(abi.encodeWithSelector(PayoutBatcher.PayoutBatcherAlreadyPaid.selector, first[1].id));
        vm.prank(PAYER);
        batcher.pay(usd, second);
        vm.assertFalse(batcher.isPaid(second[0].id), "earlier payouts of the failed batch not marked");
        vm.assertEq(usd.balanceOf(second[0].to), 0, "earlier payouts of the failed batch not paid");
        vm.assertEq(usd.balanceOf(first[1].to), first[1].amount, "paid once");
    }

    function test_duplicateIdWithinABatchReverts() public {
        PayoutBatcher.Payout[] memory payouts = _payouts("dup", 3);
        payouts[2].id = payouts[0].id;
        vm.expectRevert(abi.encodeWithSelector(PayoutBatcher.PayoutBatcherAlreadyPaid.selector, payouts[0].id));
        vm.prank(PAYER);
        batcher.pay(usd, payouts);
        vm.assertFalse(batcher.isPaid(payouts[0].id), "nothing marked");
    }

    function test_payRefusesZeroRecipient() public {
        PayoutBatcher.Payout[] memory payouts = _payouts("batch", 2);
        payouts[1].to = address(0);
        vm.expectRevert(abi.encodeWithSelector(PayoutBatcher.PayoutBatcherZeroRecipient.selector, payouts[1].id));
        vm.prank(PAYER);
        batcher.pay(usd, payouts);
    }

    function test_payRefusesZeroAmount() public {
        PayoutBatcher.Payout[] memory payouts = _payouts("batch", 2);
        payouts[1].amount = 0;
        vm.expectRevert(abi.encodeWithSelector(PayoutBatcher.PayoutBatcherZeroAmount.selector, payouts[1].id));
        vm.prank(PAYER);
        batcher.pay(usd, payouts);
    }

    function test_payNeedsAllowanceForTheWholeBatch() public {
        PayoutBatcher.Payout[] memory payouts = _payouts("batch", 2);
        vm.prank(PAYER);
        usd.approve(address(batcher), payouts[0].amount);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(batcher), 0, payouts[1].amount)
        );
        vm.prank(PAYER);
        batcher.pay(usd, payouts);
        vm.assertEq(usd.balanceOf(payouts[0].to), 0, "first payout undone");
        vm.assertFalse(batcher.isPaid(payouts[0].id), "first payout not marked");
    }

    function test_reentrancyFromTokenIsRefused() public {
        ReentrantToken token = new ReentrantToken();
        token.mint(PAYER, FUNDS);
        vm.prank(PAYER);
        token.approve(address(batcher), type(uint256).max);
        // Even a token holding PAYER_ROLE cannot pay again from inside a transfer.
        vm.prank(ADMIN);
        batcher.grantRole(payerRole, address(token));
        token.arm(address(batcher), abi.encodeCall(PayoutBatcher.pay, (IERC20(address(token)), _payouts("inner", 1))));
        vm.expectRevert(abi.encodeWithSelector(ReentrancyGuard.ReentrancyGuardReentrantCall.selector));
        vm.prank(PAYER);
        batcher.pay(token, _payouts("outer", 1));
    }

    /// @notice Any batch of fresh ids pays each recipient its amount, emits exactly one Paid per payout, and
    /// resending it reverts on its first id.
    function testFuzz_batchPaysEachOnceAndEmitsOncePerPayout(uint256 seed, uint256 countSeed) public {
        uint256 count = bound(countSeed, 1, 40);
        PayoutBatcher.Payout[] memory payouts = _payouts(string(abi.encode(seed)), count);
        vm.recordLogs();
        vm.prank(PAYER);
        batcher.pay(usd, payouts);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 paidEvents;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter == address(batcher)) {
                vm.assertEq(logs[i].topics[0], PayoutBatcher.Paid.selector, "only Paid events");
                vm.assertEq(logs[i].topics[1], payouts[paidEvents].id, "in order");
                ++paidEvents;
            }
        }
        vm.assertEq(paidEvents, count, "one Paid per payout");
        vm.expectRevert(abi.encodeWithSelector(PayoutBatcher.PayoutBatcherAlreadyPaid.selector, payouts[0].id));
        vm.prank(PAYER);
        batcher.pay(usd, payouts);
    }

    function _payouts(string memory label, uint256 count) internal pure returns (PayoutBatcher.Payout[] memory payouts) {
        payouts = new PayoutBatcher.Payout[](count);
        for (uint256 i = 0; i < count; ++i) {
            bytes32 id = keccak256(abi.encode(label, i));
            payouts[i] = PayoutBatcher.Payout({
                id: id,
                to: address(uint160(uint256(keccak256(abi.encode(id, "to"))))),
                amount: 1 + uint256(id) % 1_000_000_000
            });
        }
    }
}
