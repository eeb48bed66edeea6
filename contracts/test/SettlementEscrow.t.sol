// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Test} from "./utils/Test.sol";
import {FeeOnTransferToken, ReentrantToken} from "./utils/Mocks.sol";
import {SettlementEscrow} from "../src/SettlementEscrow.sol";
import {TestUSD} from "../src/TestUSD.sol";

/// @notice Every revert and event of SettlementEscrow, roles, permit funding (the payer's own and relayed), guards,
/// and conservation of funds.
contract SettlementEscrowTest is Test {
    uint256 internal constant PAYER_KEY = 0x9A7E4;
    address internal payer;
    address internal constant PAYEE = address(0xFEE);
    address internal constant ARBITER = address(0xA4B);
    address internal constant STRANGER = address(0xBAD);
    address internal constant RELAYER = address(0x4E1A);
    uint256 internal constant STRANGER_KEY = 0x57A4;
    uint256 internal constant NOW = 1_795_000_000;
    uint64 internal constant DEADLINE = uint64(NOW + 1 days);
    uint256 internal constant AMOUNT = 250_000_000; // 250 TUSD
    bytes32 internal constant ID = keccak256("order-1");

    SettlementEscrow internal escrow;
    TestUSD internal usd;

    function setUp() public {
        vm.warp(NOW);
        payer = vm.addr(PAYER_KEY);
        escrow = new SettlementEscrow(address(this), RELAYER);
        usd = new TestUSD(address(this));
        usd.mint(payer, 1_000_000_000);
        vm.prank(payer);
        usd.approve(address(escrow), type(uint256).max);
    }

    // ---- constructor --------------------------------------------------------------------------------------

    function test_constructorGrantsRoles() public view {
        vm.assertTrue(escrow.hasRole(escrow.DEFAULT_ADMIN_ROLE(), address(this)), "admin");
        vm.assertTrue(escrow.hasRole(escrow.RELAYER_ROLE(), RELAYER), "relayer");
        vm.assertFalse(escrow.hasRole(escrow.RELAYER_ROLE(), address(this)), "admin is not relayer");
        vm.assertEq(escrow.RELAYER_ROLE(), keccak256("RELAYER_ROLE"), "role id");
        vm.assertEq(escrow.getRoleAdmin(escrow.RELAYER_ROLE()), escrow.DEFAULT_ADMIN_ROLE(), "role admin");
    }

    function test_constructorRefusesZeroAddresses() public {
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowZeroRoleHolder.selector, bytes32(0)));
        new SettlementEscrow(address(0), RELAYER);
        vm.expectRevert(
            abi.encodeWithSelector(SettlementEscrow.SettlementEscrowZeroRoleHolder.selector, keccak256("RELAYER_ROLE"))
        );
        new SettlementEscrow(address(this), address(0));
    }

    // ---- open ---------------------------------------------------------------------------------------------

    function test_openTakesFundsAndEmits() public {
        vm.expectEmit(true, true, true, true, address(escrow));
        emit SettlementEscrow.Opened(ID, payer, PAYEE, address(usd), AMOUNT, DEADLINE, ARBITER);
        _open(ID);

        vm.assertEq(usd.balanceOf(address(escrow)), AMOUNT, "escrow holds");
        vm.assertEq(usd.balanceOf(payer), 1_000_000_000 - AMOUNT, "payer paid");
        (address p, address payee, address token, uint256 amount, uint64 deadline, address arbiter, SettlementEscrow.State state)
        = escrow.escrows(ID);
        vm.assertEq(p, payer, "payer");
        vm.assertEq(payee, PAYEE, "payee");
        vm.assertEq(token, address(usd), "token");
        vm.assertEq(amount, AMOUNT, "amount");
        vm.assertEq(deadline, DEADLINE, "deadline");
        vm.assertEq(arbiter, ARBITER, "arbiter");
        vm.assertEq(uint256(state), uint256(SettlementEscrow.State.Open), "state");
    }

    function test_unknownIdIsAllZero() public view {
        (address p,,, uint256 amount,,, SettlementEscrow.State state) = escrow.escrows(ID);
        vm.assertEq(p, address(0), "payer");
        vm.assertEq(amount, 0, "amount");
        vm.assertEq(uint256(state), uint256(SettlementEscrow.State.None), "state");
    }

    function test_openRefusesUsedId() public {
        _open(ID);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowIdUsed.selector, ID));
        _open(ID);
    }

    function test_idNeverReusableAfterReleaseOrRefund() public {
        _open(ID);
        vm.prank(ARBITER);
        escrow.release(ID);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowIdUsed.selector, ID));
        _open(ID);

        bytes32 other = keccak256("order-2");
        _open(other);
        vm.prank(ARBITER);
        escrow.refund(other);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowIdUsed.selector, other));
        _open(other);
    }

    function test_openRefusesZeroAddresses() public {
        vm.startPrank(payer);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowZeroAddress.selector));
        escrow.open(ID, address(0), usd, AMOUNT, DEADLINE, ARBITER);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowZeroAddress.selector));
        escrow.open(ID, PAYEE, IERC20(address(0)), AMOUNT, DEADLINE, ARBITER);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowZeroAddress.selector));
        escrow.open(ID, PAYEE, usd, AMOUNT, DEADLINE, address(0));
        vm.stopPrank();
    }

    function test_openRefusesZeroAmount() public {
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowZeroAmount.selector));
        vm.prank(payer);
        escrow.open(ID, PAYEE, usd, 0, DEADLINE, ARBITER);
    }

    function test_openRefusesDeadlineNotInFuture() public {
        vm.expectRevert(
            abi.encodeWithSelector(SettlementEscrow.SettlementEscrowDeadlineNotInFuture.selector, uint64(NOW), NOW)
        );
        vm.prank(payer);
        escrow.open(ID, PAYEE, usd, AMOUNT, uint64(NOW), ARBITER);
        vm.expectRevert(
            abi.encodeWithSelector(SettlementEscrow.SettlementEscrowDeadlineNotInFuture.selector, uint64(NOW - 1), NOW)
        );
        vm.prank(payer);
        escrow.open(ID, PAYEE, usd, AMOUNT, uint64(NOW - 1), ARBITER);
    }

    function test_openNeedsAllowance() public {
        vm.prank(payer);
        usd.approve(address(escrow), AMOUNT - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IERC20Errors.ERC20InsufficientAllowance.selector, address(escrow), AMOUNT - 1, AMOUNT
            )
        );
        _open(ID);
        (,,,,,, SettlementEscrow.State state) = escrow.escrows(ID);
        vm.assertEq(uint256(state), uint256(SettlementEscrow.State.None), "nothing recorded");
    }

    function test_openRefusesFeeOnTransferToken() public {
        FeeOnTransferToken fee = new FeeOnTransferToken();
        fee.mint(payer, AMOUNT);
        vm.startPrank(payer);
        fee.approve(address(escrow), AMOUNT);
        vm.expectRevert(
            abi.encodeWithSelector(
                SettlementEscrow.SettlementEscrowAmountMismatch.selector, ID, AMOUNT, AMOUNT - AMOUNT / 100
            )
        );
        escrow.open(ID, PAYEE, fee, AMOUNT, DEADLINE, ARBITER);
        vm.stopPrank();
    }

    // ---- openWithPermit -----------------------------------------------------------------------------------

    function test_openWithPermit() public {
        vm.prank(payer);
        usd.approve(address(escrow), 0);
        (uint8 v, bytes32 r, bytes32 s) = _permit(AMOUNT, NOW + 1 hours, usd.nonces(payer));
        vm.expectEmit(true, true, true, true, address(escrow));
        emit SettlementEscrow.Opened(ID, payer, PAYEE, address(usd), AMOUNT, DEADLINE, ARBITER);
        vm.prank(payer);
        escrow.openWithPermit(ID, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);
        vm.assertEq(usd.balanceOf(address(escrow)), AMOUNT, "escrow holds");
        vm.assertEq(usd.nonces(payer), 1, "permit used");
        vm.assertEq(usd.allowance(payer, address(escrow)), 0, "allowance spent");
    }

    function test_openWithPermitSurvivesFrontRunPermit() public {
        vm.prank(payer);
        usd.approve(address(escrow), 0);
        (uint8 v, bytes32 r, bytes32 s) = _permit(AMOUNT, NOW + 1 hours, 0);
        // Someone copies the permit from the mempool and submits it first.
        vm.prank(STRANGER);
        usd.permit(payer, address(escrow), AMOUNT, NOW + 1 hours, v, r, s);
        vm.prank(payer);
        escrow.openWithPermit(ID, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);
        vm.assertEq(usd.balanceOf(address(escrow)), AMOUNT, "escrow holds");
    }

    function test_openWithPermitRefusesBadPermit() public {
        vm.prank(payer);
        usd.approve(address(escrow), 0);
        // Signed for a smaller amount than the escrow asks for.
        (uint8 v, bytes32 r, bytes32 s) = _permit(AMOUNT - 1, NOW + 1 hours, 0);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowPermitFailed.selector, ID));
        vm.prank(payer);
        escrow.openWithPermit(ID, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);
        // Signed by the payer but sent by someone else: the permit names the sender as owner.
        (v, r, s) = _permit(AMOUNT, NOW + 1 hours, 0);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowPermitFailed.selector, ID));
        vm.prank(STRANGER);
        escrow.openWithPermit(ID, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);
        // Expired.
        (v, r, s) = _permit(AMOUNT, NOW - 1, 0);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowPermitFailed.selector, ID));
        vm.prank(payer);
        escrow.openWithPermit(ID, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW - 1, v, r, s);
    }

    // ---- openWithPermitFor --------------------------------------------------------------------------------

    function test_relayerOpensWithOutsidePayersPermit() public {
        vm.prank(payer);
        usd.approve(address(escrow), 0);
        (uint8 v, bytes32 r, bytes32 s) = _permit(AMOUNT, NOW + 1 hours, usd.nonces(payer));
        vm.expectEmit(true, true, true, true, address(escrow));
        emit SettlementEscrow.Opened(ID, payer, PAYEE, address(usd), AMOUNT, DEADLINE, ARBITER);
        vm.prank(RELAYER);
        escrow.openWithPermitFor(ID, payer, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);

        vm.assertEq(usd.balanceOf(address(escrow)), AMOUNT, "escrow holds");
        vm.assertEq(usd.balanceOf(payer), 1_000_000_000 - AMOUNT, "outside payer paid");
        vm.assertEq(usd.balanceOf(RELAYER), 0, "relayer paid nothing");
        vm.assertEq(usd.nonces(payer), 1, "permit used");
        vm.assertEq(usd.allowance(payer, address(escrow)), 0, "allowance spent");
        (address p, address payee, address token, uint256 amount, uint64 deadline, address arbiter, SettlementEscrow.State state)
        = escrow.escrows(ID);
        vm.assertEq(p, payer, "payer on record is the outside payer");
        vm.assertEq(payee, PAYEE, "payee");
        vm.assertEq(token, address(usd), "token");
        vm.assertEq(amount, AMOUNT, "amount");
        vm.assertEq(deadline, DEADLINE, "deadline");
        vm.assertEq(arbiter, ARBITER, "arbiter");
        vm.assertEq(uint256(state), uint256(SettlementEscrow.State.Open), "state");
    }

    function test_openWithPermitForOnlyByRelayer() public {
        vm.prank(payer);
        usd.approve(address(escrow), 0);
        (uint8 v, bytes32 r, bytes32 s) = _permit(AMOUNT, NOW + 1 hours, 0);
        // Someone who copied the permit, the payer itself and the admin all lack the role.
        address[3] memory others = [STRANGER, payer, address(this)];
        for (uint256 i = 0; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccessControl.AccessControlUnauthorizedAccount.selector, others[i], keccak256("RELAYER_ROLE")
                )
            );
            vm.prank(others[i]);
            escrow.openWithPermitFor(ID, payer, STRANGER, usd, AMOUNT, DEADLINE, STRANGER, NOW + 1 hours, v, r, s);
        }
        vm.assertEq(usd.nonces(payer), 0, "permit unused");
        (,,,,,, SettlementEscrow.State state) = escrow.escrows(ID);
        vm.assertEq(uint256(state), uint256(SettlementEscrow.State.None), "nothing recorded");
    }

    function test_roleGrantedByAdminMayRelay() public {
        vm.prank(payer);
        usd.approve(address(escrow), 0);
        (uint8 v, bytes32 r, bytes32 s) = _permit(AMOUNT, NOW + 1 hours, 0);
        escrow.grantRole(escrow.RELAYER_ROLE(), STRANGER);
        escrow.revokeRole(escrow.RELAYER_ROLE(), RELAYER);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, RELAYER, keccak256("RELAYER_ROLE")
            )
        );
        vm.prank(RELAYER);
        escrow.openWithPermitFor(ID, payer, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);
        vm.prank(STRANGER);
        escrow.openWithPermitFor(ID, payer, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);
        vm.assertEq(usd.balanceOf(address(escrow)), AMOUNT, "escrow holds");
    }

    function test_openWithPermitForSurvivesFrontRunPermit() public {
        vm.prank(payer);
        usd.approve(address(escrow), 0);
        (uint8 v, bytes32 r, bytes32 s) = _permit(AMOUNT, NOW + 1 hours, 0);
        // Someone copies the permit from the mempool and submits it to the token first.
        vm.prank(STRANGER);
        usd.permit(payer, address(escrow), AMOUNT, NOW + 1 hours, v, r, s);
        vm.expectEmit(true, true, true, true, address(escrow));
        emit SettlementEscrow.Opened(ID, payer, PAYEE, address(usd), AMOUNT, DEADLINE, ARBITER);
        vm.prank(RELAYER);
        escrow.openWithPermitFor(ID, payer, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);
        vm.assertEq(usd.balanceOf(address(escrow)), AMOUNT, "escrow holds");
        vm.assertEq(usd.allowance(payer, address(escrow)), 0, "allowance spent");
    }

    function test_openWithPermitForRefusesBadPermit() public {
        vm.prank(payer);
        usd.approve(address(escrow), 0);
        vm.startPrank(RELAYER);
        // Signed for a smaller amount than the escrow asks for.
        (uint8 v, bytes32 r, bytes32 s) = _permit(AMOUNT - 1, NOW + 1 hours, 0);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowPermitFailed.selector, ID));
        escrow.openWithPermitFor(ID, payer, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);
        // Signed by someone other than the payer named.
        (v, r, s) = _permitBy(STRANGER_KEY, payer, AMOUNT, NOW + 1 hours, 0);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowPermitFailed.selector, ID));
        escrow.openWithPermitFor(ID, payer, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);
        // The payer's own permit, relayed for another payer.
        (v, r, s) = _permit(AMOUNT, NOW + 1 hours, 0);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowPermitFailed.selector, ID));
        escrow.openWithPermitFor(
            ID, vm.addr(STRANGER_KEY), PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s
        );
        // Expired.
        (v, r, s) = _permit(AMOUNT, NOW - 1, 0);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowPermitFailed.selector, ID));
        escrow.openWithPermitFor(ID, payer, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW - 1, v, r, s);
        vm.stopPrank();
        vm.assertEq(usd.balanceOf(payer), 1_000_000_000, "payer untouched");
    }

    /// @notice The documented trust in RELAYER_ROLE: with the allowance already there, a failing permit does not
    /// stop the open (this is what lets a front-run permit through).
    function test_openWithPermitForUsesAllowanceWhenPermitFails() public {
        (uint8 v, bytes32 r, bytes32 s) = _permitBy(STRANGER_KEY, payer, AMOUNT, NOW + 1 hours, 0);
        vm.prank(RELAYER);
        escrow.openWithPermitFor(ID, payer, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);
        (address p,,,,,,) = escrow.escrows(ID);
        vm.assertEq(p, payer, "payer");
        vm.assertEq(usd.balanceOf(address(escrow)), AMOUNT, "escrow holds");
    }

    function test_openWithPermitForRefusesZeroPayer() public {
        (uint8 v, bytes32 r, bytes32 s) = _permit(AMOUNT, NOW + 1 hours, 0);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowZeroAddress.selector));
        vm.prank(RELAYER);
        escrow.openWithPermitFor(ID, address(0), PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);
    }

    function test_openWithPermitForRefusesUsedId() public {
        _open(ID);
        vm.prank(payer);
        usd.approve(address(escrow), 0);
        (uint8 v, bytes32 r, bytes32 s) = _permit(AMOUNT, NOW + 1 hours, 0);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowIdUsed.selector, ID));
        vm.prank(RELAYER);
        escrow.openWithPermitFor(ID, payer, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);
        vm.assertEq(usd.nonces(payer), 0, "permit not used");
    }

    function test_relayedEscrowRefundsToOutsidePayer() public {
        vm.prank(payer);
        usd.approve(address(escrow), 0);
        (uint8 v, bytes32 r, bytes32 s) = _permit(AMOUNT, NOW + 1 hours, 0);
        vm.prank(RELAYER);
        escrow.openWithPermitFor(ID, payer, PAYEE, usd, AMOUNT, DEADLINE, ARBITER, NOW + 1 hours, v, r, s);

        vm.warp(DEADLINE + 1);
        vm.expectEmit(true, true, true, true, address(escrow));
        emit SettlementEscrow.Refunded(ID, payer, address(usd), AMOUNT, STRANGER);
        vm.prank(STRANGER);
        escrow.refund(ID);
        vm.assertEq(usd.balanceOf(payer), 1_000_000_000, "outside payer refunded");
        vm.assertEq(usd.balanceOf(RELAYER), 0, "relayer gets nothing");
        vm.assertEq(usd.balanceOf(STRANGER), 0, "caller gets nothing");
        vm.assertEq(usd.balanceOf(address(escrow)), 0, "escrow empty");
    }

    // ---- release ------------------------------------------------------------------------------------------

    function test_releasePaysPayeeAndEmits() public {
        _open(ID);
        vm.expectEmit(true, true, true, true, address(escrow));
        emit SettlementEscrow.Released(ID, PAYEE, address(usd), AMOUNT);
        vm.prank(ARBITER);
        escrow.release(ID);
        vm.assertEq(usd.balanceOf(PAYEE), AMOUNT, "payee paid");
        vm.assertEq(usd.balanceOf(address(escrow)), 0, "escrow empty");
        (,,,,,, SettlementEscrow.State state) = escrow.escrows(ID);
        vm.assertEq(uint256(state), uint256(SettlementEscrow.State.Released), "state");
    }

    function test_arbiterMayReleaseAfterDeadline() public {
        _open(ID);
        vm.warp(DEADLINE + 30 days);
        vm.prank(ARBITER);
        escrow.release(ID);
        vm.assertEq(usd.balanceOf(PAYEE), AMOUNT, "payee paid");
    }

    function test_releaseOnlyByArbiter() public {
        _open(ID);
        address[3] memory others = [payer, PAYEE, STRANGER];
        for (uint256 i = 0; i < others.length; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(SettlementEscrow.SettlementEscrowNotArbiter.selector, ID, others[i])
            );
            vm.prank(others[i]);
            escrow.release(ID);
        }
    }

    function test_releaseRefusesEscrowNotOpen() public {
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowNotOpen.selector, ID));
        vm.prank(ARBITER);
        escrow.release(ID);

        _open(ID);
        vm.prank(ARBITER);
        escrow.release(ID);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowNotOpen.selector, ID));
        vm.prank(ARBITER);
        escrow.release(ID);

        bytes32 other = keccak256("order-2");
        _open(other);
        vm.prank(ARBITER);
        escrow.refund(other);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowNotOpen.selector, other));
        vm.prank(ARBITER);
        escrow.release(other);
    }

    // ---- refund -------------------------------------------------------------------------------------------

    function test_arbiterRefundsBeforeDeadline() public {
        _open(ID);
        vm.expectEmit(true, true, true, true, address(escrow));
        emit SettlementEscrow.Refunded(ID, payer, address(usd), AMOUNT, ARBITER);
        vm.prank(ARBITER);
        escrow.refund(ID);
        vm.assertEq(usd.balanceOf(payer), 1_000_000_000, "payer refunded");
        (,,,,,, SettlementEscrow.State state) = escrow.escrows(ID);
        vm.assertEq(uint256(state), uint256(SettlementEscrow.State.Refunded), "state");
    }

    function test_othersRefundOnlyAfterDeadline() public {
        _open(ID);
        vm.expectRevert(
            abi.encodeWithSelector(SettlementEscrow.SettlementEscrowNotRefundable.selector, ID, STRANGER, DEADLINE)
        );
        vm.prank(STRANGER);
        escrow.refund(ID);

        vm.warp(DEADLINE);
        vm.expectRevert(
            abi.encodeWithSelector(SettlementEscrow.SettlementEscrowNotRefundable.selector, ID, PAYEE, DEADLINE)
        );
        vm.prank(PAYEE);
        escrow.refund(ID);

        vm.warp(DEADLINE + 1);
        vm.expectEmit(true, true, true, true, address(escrow));
        emit SettlementEscrow.Refunded(ID, payer, address(usd), AMOUNT, STRANGER);
        vm.prank(STRANGER);
        escrow.refund(ID);
        vm.assertEq(usd.balanceOf(payer), 1_000_000_000, "payer refunded");
        vm.assertEq(usd.balanceOf(STRANGER), 0, "caller gets nothing");
    }

    function test_refundRefusesEscrowNotOpen() public {
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowNotOpen.selector, ID));
        vm.prank(ARBITER);
        escrow.refund(ID);

        _open(ID);
        vm.prank(ARBITER);
        escrow.refund(ID);
        vm.warp(DEADLINE + 1);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowNotOpen.selector, ID));
        vm.prank(STRANGER);
        escrow.refund(ID);

        bytes32 other = keccak256("order-2");
        vm.warp(NOW);
        _open(other);
        vm.prank(ARBITER);
        escrow.release(other);
        vm.expectRevert(abi.encodeWithSelector(SettlementEscrow.SettlementEscrowNotOpen.selector, other));
        vm.prank(ARBITER);
        escrow.refund(other);
    }

    // ---- guards -------------------------------------------------------------------------------------------

    function test_reentrancyFromTokenIsRefused() public {
        ReentrantToken token = new ReentrantToken();
        token.mint(payer, AMOUNT);
        vm.prank(payer);
        token.approve(address(escrow), AMOUNT);
        vm.prank(payer);
        escrow.open(ID, PAYEE, token, AMOUNT, DEADLINE, address(token));

        // The release transfer calls back into refund: the guard stops the second withdrawal.
        token.arm(address(escrow), abi.encodeCall(SettlementEscrow.refund, (ID)));
        vm.expectRevert(abi.encodeWithSelector(ReentrancyGuard.ReentrancyGuardReentrantCall.selector));
        vm.prank(address(token));
        escrow.release(ID);
        vm.assertEq(token.balanceOf(address(escrow)), AMOUNT, "funds still held");
    }

    /// @notice Whatever mix of escrows is opened, released and refunded, the contract holds exactly the sum of
    /// the open ones and every party ends with what the outcomes say.
    function testFuzz_fundsAreConserved(uint256 seed, uint8 countSeed) public {
        uint256 count = bound(countSeed, 1, 20);
        uint256 open;
        uint256 released;
        uint256 refunded;
        uint256 total;
        for (uint256 i = 0; i < count; ++i) {
            bytes32 id = keccak256(abi.encode(seed, i));
            uint256 amount = bound(uint256(id), 1, 40_000_000);
            vm.prank(payer);
            escrow.open(id, PAYEE, usd, amount, DEADLINE, ARBITER);
            total += amount;
            uint256 outcome = uint256(keccak256(abi.encode(id))) % 3;
            if (outcome == 0) {
                open += amount;
            } else if (outcome == 1) {
                vm.prank(ARBITER);
                escrow.release(id);
                released += amount;
            } else {
                vm.prank(ARBITER);
                escrow.refund(id);
                refunded += amount;
            }
        }
        vm.assertEq(usd.balanceOf(address(escrow)), open, "escrow holds the open escrows");
        vm.assertEq(usd.balanceOf(PAYEE), released, "payee holds the released escrows");
        vm.assertEq(usd.balanceOf(payer), 1_000_000_000 - total + refunded, "payer got the refunds back");
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    function _open(bytes32 id) internal {
        vm.prank(payer);
        escrow.open(id, PAYEE, usd, AMOUNT, DEADLINE, ARBITER);
    }

    function _permit(uint256 value, uint256 permitDeadline, uint256 nonce)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        return _permitBy(PAYER_KEY, payer, value, permitDeadline, nonce);
    }

    /// @dev A permit naming `owner`, signed with `key` (which is `owner`'s key only when the permit is genuine).
    function _permitBy(uint256 key, address owner, uint256 value, uint256 permitDeadline, uint256 nonce)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                address(escrow),
                value,
                nonce,
                permitDeadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", usd.DOMAIN_SEPARATOR(), structHash));
        return vm.sign(key, digest);
    }
}
