// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// ERC-1155 collection deployed by the engine (contract version 2), organised in token types (as Venly's
/// NFT-API). A fungible type is one token id (the type id) minted in any amount; a non-fungible type gets
/// a fresh token id per mint, one unit each. maxSupply (0 = unlimited) caps the units minted per type.
/// uri(id) is baseURI + id: the engine serves the metadata of types and tokens from its API, so nothing
/// is stored per token beyond its balance, and a metadata change is only an EIP-4906 event.
/// Mints keep ERC-1155's acceptance check (onERC1155Received), which the standard requires for mints too.
contract NftCollection1155 is ERC1155, Ownable {
    /// One storage slot per type: minted is updated on every mint, maxSupply sits beside it.
    struct TokenType {
        uint120 maxSupply;
        uint120 minted;
        bool fungible;
        bool exists;
    }

    error UnknownTokenType(uint256 typeId);
    error MaxSupplyExceeded(uint256 typeId, uint256 maxSupply, uint256 minted, uint256 amount);
    error MaxSupplyTooLarge(uint256 maxSupply);
    error NonFungibleAmount(uint256 typeId, uint256 amount);
    error UnknownToken(uint256 tokenId);
    error BatchLengthMismatch(uint256 recipients, uint256 amounts);
    error EmptyBatch();

    event TokenTypeCreated(uint256 indexed typeId, uint256 maxSupply, bool fungible);
    /// EIP-4906's events, declared here because OpenZeppelin's IERC4906 extends IERC721.
    event MetadataUpdate(uint256 _tokenId);
    event BatchMetadataUpdate(uint256 _fromTokenId, uint256 _toTokenId);

    string public name;
    string public symbol;
    /// Type ids and non-fungible token ids share this sequence, so an id below it is one or the other.
    uint256 public nextTokenId = 1;
    mapping(uint256 typeId => TokenType) public tokenTypes;
    string private _contractURI;

    constructor(string memory name_, string memory symbol_, string memory contractURI_, string memory baseURI_, address owner_)
        ERC1155(baseURI_)
        Ownable(owner_)
    {
        name = name_;
        symbol = symbol_;
        _contractURI = contractURI_;
    }

    function contractURI() external view returns (string memory) {
        return _contractURI;
    }

    function createTokenType(uint256 maxSupply, bool fungible) external onlyOwner returns (uint256 typeId) {
        if (maxSupply > type(uint120).max) revert MaxSupplyTooLarge(maxSupply);
        typeId = nextTokenId++;
        tokenTypes[typeId] = TokenType({maxSupply: uint120(maxSupply), minted: 0, fungible: fungible, exists: true});
        emit TokenTypeCreated(typeId, maxSupply, fungible);
    }

    function mint(address to, uint256 typeId, uint256 amount) external onlyOwner returns (uint256 tokenId) {
        TokenType storage t = _existingType(typeId);
        if (!t.fungible && amount != 1) revert NonFungibleAmount(typeId, amount);
        _countMinted(t, typeId, amount);
        tokenId = t.fungible ? typeId : nextTokenId++;
        _mint(to, tokenId, amount, "");
    }

    /// Mints amounts[i] of the type to to[i]; a non-fungible type gives each recipient a fresh id, consecutive
    /// from the one returned (a fungible type returns its type id).
    function mintBatch(address[] calldata to, uint256 typeId, uint256[] calldata amounts) external onlyOwner returns (uint256 firstTokenId) {
        if (to.length == 0) revert EmptyBatch();
        if (to.length != amounts.length) revert BatchLengthMismatch(to.length, amounts.length);
        TokenType storage t = _existingType(typeId);
        bool fungible = t.fungible;
        uint256 total = 0;
        for (uint256 i = 0; i < amounts.length; ++i) {
            if (!fungible && amounts[i] != 1) revert NonFungibleAmount(typeId, amounts[i]);
            total += amounts[i];
        }
        _countMinted(t, typeId, total);
        if (fungible) {
            firstTokenId = typeId;
            for (uint256 i = 0; i < to.length; ++i) {
                _mint(to[i], typeId, amounts[i], "");
            }
        } else {
            firstTokenId = nextTokenId;
            nextTokenId = firstTokenId + to.length;
            for (uint256 i = 0; i < to.length; ++i) {
                _mint(to[i], firstTokenId + i, 1, "");
            }
        }
    }

    /// Tells marketplaces that the metadata the API serves for a token id (a type's or a token's) changed.
    function notifyMetadataUpdate(uint256 tokenId) external onlyOwner {
        if (tokenId == 0 || tokenId >= nextTokenId) revert UnknownToken(tokenId);
        emit MetadataUpdate(tokenId);
    }

    /// Tells marketplaces that the metadata of token ids fromTokenId..toTokenId (inclusive) changed.
    function notifyBatchMetadataUpdate(uint256 fromTokenId, uint256 toTokenId) external onlyOwner {
        emit BatchMetadataUpdate(fromTokenId, toTokenId);
    }

    function uri(uint256 tokenId) public view override returns (string memory) {
        return string.concat(super.uri(tokenId), Strings.toString(tokenId));
    }

    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == bytes4(0x49064906) || super.supportsInterface(interfaceId);
    }

    function _existingType(uint256 typeId) private view returns (TokenType storage t) {
        t = tokenTypes[typeId];
        if (!t.exists) revert UnknownTokenType(typeId);
    }

    /// Counts `amount` more units of the type under its maxSupply (0 = unlimited, up to what minted can hold).
    function _countMinted(TokenType storage t, uint256 typeId, uint256 amount) private {
        uint256 minted = t.minted;
        uint256 cap = t.maxSupply == 0 ? type(uint120).max : t.maxSupply;
        if (minted + amount > cap) revert MaxSupplyExceeded(typeId, t.maxSupply, minted, amount);
        t.minted = uint120(minted + amount);
    }
}
