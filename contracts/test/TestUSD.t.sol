// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Test} from "./utils/Test.sol";
import {TestUSD} from "../src/TestUSD.sol";

/// @notice TestUSD's metadata, minting role, and EIP-2612 permit.
contract TestUSDTest is Test {
    address internal constant ADMIN = address(0xA11CE);
    address internal constant STRANGER = address(0xBAD);
    uint256 internal constant OWNER_KEY = 0x0DD;
    address internal owner;
    TestUSD internal usd;

    function setUp() public {
        usd = new TestUSD(ADMIN);
        owner = vm.addr(OWNER_KEY);
    }

    function test_metadata() public view {
        vm.assertEq(keccak256(bytes(usd.name())), keccak256("Test USD"), "name");
        vm.assertEq(keccak256(bytes(usd.symbol())), keccak256("TUSD"), "symbol");
        vm.assertEq(usd.decimals(), 6, "decimals");
        vm.assertEq(usd.totalSupply(), 0, "no supply");
        vm.assertTrue(usd.hasRole(usd.MINTER_ROLE(), ADMIN), "admin mints");
        vm.assertTrue(usd.hasRole(bytes32(0), ADMIN), "admin administers");
        vm.assertEq(usd.MINTER_ROLE(), keccak256("MINTER_ROLE"), "role id");
    }

    function test_constructorRefusesZeroAdmin() public {
        vm.expectRevert(abi.encodeWithSelector(TestUSD.TestUSDZeroAddress.selector));
        new TestUSD(address(0));
    }

    function test_minterMints() public {
        vm.expectEmit(true, true, true, true, address(usd));
        emit IERC20.Transfer(address(0), owner, 5_000_000);
        vm.prank(ADMIN);
        usd.mint(owner, 5_000_000);
        vm.assertEq(usd.balanceOf(owner), 5_000_000, "balance");
    }

    function test_mintOnlyByMinterRole() public {
        bytes32 minterRole = usd.MINTER_ROLE();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, minterRole)
        );
        vm.prank(STRANGER);
        usd.mint(STRANGER, 1);

        vm.prank(ADMIN);
        usd.grantRole(minterRole, STRANGER);
        vm.prank(STRANGER);
        usd.mint(STRANGER, 1);
        vm.assertEq(usd.balanceOf(STRANGER), 1, "new minter mints");
    }

    function test_permitSetsAllowance() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(STRANGER, 7, deadline, 0);
        vm.expectEmit(true, true, true, true, address(usd));
        emit IERC20.Approval(owner, STRANGER, 7);
        usd.permit(owner, STRANGER, 7, deadline, v, r, s);
        vm.assertEq(usd.allowance(owner, STRANGER), 7, "allowance");
        vm.assertEq(usd.nonces(owner), 1, "nonce");

        // The same signature cannot be used twice: the nonce moved on, so it recovers to another signer.
        vm.expectPartialRevert(ERC20Permit.ERC2612InvalidSigner.selector);
        usd.permit(owner, STRANGER, 7, deadline, v, r, s);
    }

    function test_permitRefusesExpiredAndForeignSignatures() public {
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = _permit(STRANGER, 7, deadline, 0);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612ExpiredSignature.selector, deadline));
        usd.permit(owner, STRANGER, 7, deadline, v, r, s);

        vm.warp(deadline - 1 hours);
        // Signed by owner, presented as STRANGER's permit.
        bytes32 digest = _digest(STRANGER, STRANGER, 7, deadline, 0);
        (v, r, s) = vm.sign(OWNER_KEY, digest);
        vm.expectRevert(abi.encodeWithSelector(ERC20Permit.ERC2612InvalidSigner.selector, owner, STRANGER));
        usd.permit(STRANGER, STRANGER, 7, deadline, v, r, s);
    }

    function _permit(address spender, uint256 value, uint256 deadline, uint256 nonce)
        internal
        view
        returns (uint8, bytes32, bytes32)
    {
        return vm.sign(OWNER_KEY, _digest(owner, spender, value, deadline, nonce));
    }

    function _digest(address holder, address spender, uint256 value, uint256 deadline, uint256 nonce)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                holder,
                spender,
                value,
                nonce,
                deadline
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", usd.DOMAIN_SEPARATOR(), structHash));
    }
}
