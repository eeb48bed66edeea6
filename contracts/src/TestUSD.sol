// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/**
 * @title TestUSD
 * @notice A stablecoin stand-in for local chains and testnets: "Test USD" (TUSD), 6 decimals like USDC, with
 * EIP-2612 permit. Holders of MINTER_ROLE mint; it has no value anywhere.
 */
contract TestUSD is ERC20, ERC20Permit, AccessControl {
    /// @notice Role allowed to call {mint}.
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @notice The constructor was given the zero address as admin.
    error TestUSDZeroAddress();

    /// @param admin receives DEFAULT_ADMIN_ROLE and MINTER_ROLE.
    constructor(address admin) ERC20("Test USD", "TUSD") ERC20Permit("Test USD") {
        if (admin == address(0)) revert TestUSDZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
    }

    /// @notice Six decimals: one token is 1,000,000 units, as for USDC.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /**
     * @notice Mints `amount` units to `to`. Only MINTER_ROLE.
     * Emits {Transfer} from the zero address.
     */
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }
}
