// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/**
 * @title SettlementEscrow
 * @notice Holds an order's ERC-20 funds until its arbiter releases them to the payee or they are refunded to
 * the payer. The arbiter may refund at any time; after the deadline anyone may refund, so funds never stay
 * locked when the arbiter is gone. Every escrow id is used once: after release or refund it can never be
 * opened again, so a replayed open cannot move funds twice.
 *
 * Who opens: the payer itself ({open}, {openWithPermit}), or a holder of RELAYER_ROLE (the settlement node's key)
 * submitting an outside payer's EIP-2612 permit on the payer's behalf ({openWithPermitFor}); the payer on record,
 * who gets any refund, is then that outside payer. Relayed opens take a role because a permit is public once it
 * is in the mempool: anyone could otherwise copy it into an open with a payee of their own choosing.
 */
contract SettlementEscrow is AccessControl, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Role allowed to call {openWithPermitFor}.
    bytes32 public constant RELAYER_ROLE = keccak256("RELAYER_ROLE");

    /// @notice Lifecycle of an escrow id. `None` ids were never used; the other states are final except `Open`.
    enum State {
        None,
        Open,
        Released,
        Refunded
    }

    struct Escrow {
        address payer;
        uint64 deadline;
        State state;
        address payee;
        address arbiter;
        IERC20 token;
        uint256 amount;
    }

    mapping(bytes32 id => Escrow) private _escrows;

    /// @notice `amount` of `token` from `payer` is held for `payee` under `id` until `arbiter` decides or
    /// `deadline` (unix seconds) passes.
    event Opened(
        bytes32 indexed id,
        address indexed payer,
        address indexed payee,
        address token,
        uint256 amount,
        uint64 deadline,
        address arbiter
    );
    /// @notice The arbiter released escrow `id`: `amount` of `token` went to `payee`.
    event Released(bytes32 indexed id, address indexed payee, address token, uint256 amount);
    /// @notice Escrow `id` was refunded by `caller`: `amount` of `token` went back to `payer`.
    event Refunded(bytes32 indexed id, address indexed payer, address token, uint256 amount, address caller);

    /// @notice The constructor was given the zero address as the holder of `role`.
    error SettlementEscrowZeroRoleHolder(bytes32 role);
    /// @notice `id` was opened before (it may since have been released or refunded); ids are never reused.
    error SettlementEscrowIdUsed(bytes32 id);
    /// @notice The payer, payee, token or arbiter is the zero address.
    error SettlementEscrowZeroAddress();
    /// @notice An escrow of zero tokens was asked for.
    error SettlementEscrowZeroAmount();
    /// @notice The deadline is not in the future.
    error SettlementEscrowDeadlineNotInFuture(uint64 deadline, uint256 timestamp);
    /// @notice The escrow received a different amount than it asked for (a fee-on-transfer or rebasing token).
    error SettlementEscrowAmountMismatch(bytes32 id, uint256 expected, uint256 received);
    /// @notice The permit failed and the allowance it was to grant is not there either.
    error SettlementEscrowPermitFailed(bytes32 id);
    /// @notice `id` is not open: never opened, or already released or refunded.
    error SettlementEscrowNotOpen(bytes32 id);
    /// @notice Only the arbiter of `id` may release it.
    error SettlementEscrowNotArbiter(bytes32 id, address caller);
    /// @notice Before the deadline only the arbiter of `id` may refund it.
    error SettlementEscrowNotRefundable(bytes32 id, address caller, uint64 deadline);

    /**
     * @param admin receives DEFAULT_ADMIN_ROLE (grants and revokes RELAYER_ROLE).
     * @param relayer receives RELAYER_ROLE.
     */
    constructor(address admin, address relayer) {
        if (admin == address(0)) revert SettlementEscrowZeroRoleHolder(DEFAULT_ADMIN_ROLE);
        if (relayer == address(0)) revert SettlementEscrowZeroRoleHolder(RELAYER_ROLE);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(RELAYER_ROLE, relayer);
    }

    /**
     * @notice Opens escrow `id`: takes `amount` of `token` from the caller (the payer) by `transferFrom`, so
     * the caller must have approved this contract for at least `amount`.
     * @param deadline unix seconds after which anyone may refund.
     * Emits {Opened}.
     */
    function open(bytes32 id, address payee, IERC20 token, uint256 amount, uint64 deadline, address arbiter)
        external
        nonReentrant
    {
        _open(id, msg.sender, payee, token, amount, deadline, arbiter);
    }

    /**
     * @notice Like {open}, with the allowance granted in the same transaction by the caller's EIP-2612 permit
     * (`permitDeadline`, `v`, `r`, `s`) for exactly `amount`, spender this contract.
     * @dev A permit seen in the mempool can be submitted by someone else first; the nonce is then used and
     * `permit` reverts. The open goes ahead when the allowance is already there, as OpenZeppelin's IERC20Permit
     * documentation advises, and fails with {SettlementEscrowPermitFailed} when it is not.
     * Emits {Opened}.
     */
    function openWithPermit(
        bytes32 id,
        address payee,
        IERC20 token,
        uint256 amount,
        uint64 deadline,
        address arbiter,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        _permitOrAllowance(id, msg.sender, token, amount, permitDeadline, v, r, s);
        _open(id, msg.sender, payee, token, amount, deadline, arbiter);
    }

    /**
     * @notice Opens escrow `id` on behalf of `payer`, who is not the caller: `payer`'s EIP-2612 permit
     * (`permitDeadline`, `v`, `r`, `s`) for exactly `amount`, spender this contract, grants the allowance, then
     * `amount` of `token` is taken from `payer` by `transferFrom`. `payer` is the payer on record: a refund goes
     * straight back to it. Only RELAYER_ROLE, so that nobody can copy a permit from the mempool into an open with
     * their own payee.
     * @dev A permit front-run from the mempool is tolerated as in {openWithPermit}: the open goes ahead when the
     * allowance is already there, and fails with {SettlementEscrowPermitFailed} when it is not. It follows that a
     * relayer can draw on any allowance `payer` has granted this contract, permit or not: RELAYER_ROLE is trusted
     * with every allowance to this contract, and is held by the settlement node's key alone.
     * Emits {Opened} with `payer` as the payer.
     */
    function openWithPermitFor(
        bytes32 id,
        address payer,
        address payee,
        IERC20 token,
        uint256 amount,
        uint64 deadline,
        address arbiter,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external onlyRole(RELAYER_ROLE) nonReentrant {
        if (payer == address(0)) revert SettlementEscrowZeroAddress();
        _permitOrAllowance(id, payer, token, amount, permitDeadline, v, r, s);
        _open(id, payer, payee, token, amount, deadline, arbiter);
    }

    /**
     * @notice Releases escrow `id` to its payee. Only the arbiter, at any time while the escrow is open.
     * Emits {Released}.
     */
    function release(bytes32 id) external nonReentrant {
        Escrow storage escrow = _escrows[id];
        if (escrow.state != State.Open) revert SettlementEscrowNotOpen(id);
        if (msg.sender != escrow.arbiter) revert SettlementEscrowNotArbiter(id, msg.sender);
        escrow.state = State.Released;
        address payee = escrow.payee;
        IERC20 token = escrow.token;
        uint256 amount = escrow.amount;
        token.safeTransfer(payee, amount);
        emit Released(id, payee, address(token), amount);
    }

    /**
     * @notice Refunds escrow `id` to its payer. The arbiter may refund at any time while the escrow is open;
     * anyone else once `block.timestamp` is past the deadline.
     * Emits {Refunded}.
     */
    function refund(bytes32 id) external nonReentrant {
        Escrow storage escrow = _escrows[id];
        if (escrow.state != State.Open) revert SettlementEscrowNotOpen(id);
        uint64 deadline = escrow.deadline;
        if (msg.sender != escrow.arbiter && block.timestamp <= deadline) {
            revert SettlementEscrowNotRefundable(id, msg.sender, deadline);
        }
        escrow.state = State.Refunded;
        address payer = escrow.payer;
        IERC20 token = escrow.token;
        uint256 amount = escrow.amount;
        token.safeTransfer(payer, amount);
        emit Refunded(id, payer, address(token), amount, msg.sender);
    }

    /**
     * @notice Everything known about escrow `id`. For an id never opened every field is zero (`state` None).
     * @return payer who funded it and receives a refund.
     * @return payee who receives a release.
     * @return token the ERC-20 held.
     * @return amount in the token's smallest units.
     * @return deadline unix seconds after which anyone may refund.
     * @return arbiter who may release, and refund at any time.
     * @return state 0 None, 1 Open, 2 Released, 3 Refunded.
     */
    function escrows(bytes32 id)
        external
        view
        returns (
            address payer,
            address payee,
            address token,
            uint256 amount,
            uint64 deadline,
            address arbiter,
            State state
        )
    {
        Escrow storage escrow = _escrows[id];
        return (
            escrow.payer,
            escrow.payee,
            address(escrow.token),
            escrow.amount,
            escrow.deadline,
            escrow.arbiter,
            escrow.state
        );
    }

    /// @dev Submits `owner`'s permit for `amount` to this contract; when it reverts (most often because the same
    /// permit was already submitted by someone else, using its nonce), requires the allowance to be there anyway.
    function _permitOrAllowance(
        bytes32 id,
        address owner,
        IERC20 token,
        uint256 amount,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) private {
        try IERC20Permit(address(token)).permit(owner, address(this), amount, permitDeadline, v, r, s) {}
        catch {
            if (token.allowance(owner, address(this)) < amount) revert SettlementEscrowPermitFailed(id);
        }
    }

    /// @dev Records escrow `id` for `payer` and takes `amount` of `token` from `payer`, who has approved this
    /// contract. `payer` is the caller, or for {openWithPermitFor} the permit's owner; never the zero address.
    function _open(
        bytes32 id,
        address payer,
        address payee,
        IERC20 token,
        uint256 amount,
        uint64 deadline,
        address arbiter
    ) private {
        if (_escrows[id].state != State.None) revert SettlementEscrowIdUsed(id);
        if (payee == address(0) || address(token) == address(0) || arbiter == address(0)) {
            revert SettlementEscrowZeroAddress();
        }
        if (amount == 0) revert SettlementEscrowZeroAmount();
        if (deadline <= block.timestamp) revert SettlementEscrowDeadlineNotInFuture(deadline, block.timestamp);

        _escrows[id] = Escrow({
            payer: payer,
            deadline: deadline,
            state: State.Open,
            payee: payee,
            arbiter: arbiter,
            token: token,
            amount: amount
        });

        // The balance is compared around the transfer so that a token which delivers less than it was asked
        // for (fee on transfer) cannot leave the escrow owing more than it holds.
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(payer, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert SettlementEscrowAmountMismatch(id, amount, received);

        emit Opened(id, payer, payee, address(token), amount, deadline, arbiter);
    }
}
