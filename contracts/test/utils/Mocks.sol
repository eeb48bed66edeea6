// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Keeps 1% of every transfer between two holders, so a recipient receives less than was sent.
contract FeeOnTransferToken is ERC20 {
    constructor() ERC20("Fee Token", "FEE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 fee = value / 100;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}

/// @notice Calls back into `target` with `callData` from inside every transfer while armed, to test guards.
contract ReentrantToken is ERC20 {
    address public target;
    bytes public callData;

    constructor() ERC20("Reentrant Token", "REEN") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata callData_) external {
        target = target_;
        callData = callData_;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address callee = target;
        if (callee != address(0) && from != address(0)) {
            target = address(0);
            (bool ok, bytes memory returned) = callee.call(callData);
            if (!ok) {
                assembly {
                    revert(add(returned, 0x20), mload(returned))
                }
            }
        }
    }
}
