// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/**
 * @title PayoutBatcher
 * @notice Sends many ERC-20 payouts of one token in one transaction. Each payout carries the ledger's payout
 * id; an id is paid at most once, ever, so a batch resent after a crash or a reorganisation cannot pay twice:
 * if any id in it was paid before, the whole batch reverts and names that id.
 *
 * Who pays: only holders of PAYER_ROLE (the settlement node's key). Where funds come from: the caller's own
 * balance, by `transferFrom(caller, recipient, amount)` straight to each recipient. The contract never holds
 * tokens, so nothing can be stranded in it; the caller approves this contract for what it means to pay out.
 */
contract PayoutBatcher is AccessControl, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Role allowed to call {pay}.
    bytes32 public constant PAYER_ROLE = keccak256("PAYER_ROLE");

    /// @notice Most payouts in one batch: 256 transfers stay far below a 30M block gas limit.
    uint256 public constant MAX_PAYOUTS_PER_BATCH = 256;

    struct Payout {
        bytes32 id;
        address to;
        uint256 amount;
    }

    mapping(bytes32 id => bool) private _paid;

    /// @notice Payout `id` sent `amount` of `token` from `payer` to `to`.
    event Paid(bytes32 indexed id, address indexed token, address indexed to, uint256 amount, address payer);

    /// @notice The constructor was given the zero address for a role holder, or the token is the zero address.
    error PayoutBatcherZeroAddress();
    /// @notice The batch has no payouts.
    error PayoutBatcherEmptyBatch();
    /// @notice The batch has more than MAX_PAYOUTS_PER_BATCH payouts.
    error PayoutBatcherBatchTooLarge(uint256 count, uint256 max);
    /// @notice Payout `id` was paid before (in an earlier batch or earlier in this one).
    error PayoutBatcherAlreadyPaid(bytes32 id);
    /// @notice Payout `id` has the zero address as recipient.
    error PayoutBatcherZeroRecipient(bytes32 id);
    /// @notice Payout `id` is for zero tokens.
    error PayoutBatcherZeroAmount(bytes32 id);

    /**
     * @param admin receives DEFAULT_ADMIN_ROLE (grants and revokes PAYER_ROLE).
     * @param payer receives PAYER_ROLE.
     */
    constructor(address admin, address payer) {
        if (admin == address(0) || payer == address(0)) revert PayoutBatcherZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAYER_ROLE, payer);
    }

    /**
     * @notice Pays every payout in `payouts` in `token` from the caller's balance, or none of them.
     * @dev Only PAYER_ROLE. Needs an allowance from the caller to this contract of at least the batch total.
     * Reverts the whole batch on the first payout id already paid, zero recipient or zero amount.
     * Emits {Paid} once per payout, in order.
     */
    function pay(IERC20 token, Payout[] calldata payouts) external onlyRole(PAYER_ROLE) nonReentrant {
        if (address(token) == address(0)) revert PayoutBatcherZeroAddress();
        uint256 count = payouts.length;
        if (count == 0) revert PayoutBatcherEmptyBatch();
        if (count > MAX_PAYOUTS_PER_BATCH) revert PayoutBatcherBatchTooLarge(count, MAX_PAYOUTS_PER_BATCH);
        for (uint256 i = 0; i < count; ++i) {
            Payout calldata payout = payouts[i];
            bytes32 id = payout.id;
            if (_paid[id]) revert PayoutBatcherAlreadyPaid(id);
            if (payout.to == address(0)) revert PayoutBatcherZeroRecipient(id);
            if (payout.amount == 0) revert PayoutBatcherZeroAmount(id);
            _paid[id] = true;
            token.safeTransferFrom(msg.sender, payout.to, payout.amount);
            emit Paid(id, address(token), payout.to, payout.amount, msg.sender);
        }
    }

    /// @notice True once payout `id` has been paid.
    function isPaid(bytes32 id) external view returns (bool) {
        return _paid[id];
    }
}
