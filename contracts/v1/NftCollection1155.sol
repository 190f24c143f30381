// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// ERC-1155 collection deployed by the engine, organised in token types (as Venly's NFT-API).
/// A fungible type is one token id (the type id) minted in any amount; a non-fungible type gets a
/// fresh token id per mint, one unit each. maxSupply (0 = unlimited) caps the units minted per type.
contract NftCollection1155 is ERC1155, Ownable {
    struct TokenType {
        uint256 maxSupply;
        uint256 minted;
        bool fungible;
        bool exists;
    }

    error UnknownTokenType(uint256 typeId);
    error MaxSupplyExceeded(uint256 typeId, uint256 maxSupply, uint256 minted, uint256 amount);
    error NonFungibleAmount(uint256 typeId, uint256 amount);
    error UnknownToken(uint256 tokenId);

    event TokenTypeCreated(uint256 indexed typeId, uint256 maxSupply, bool fungible);
    /// EIP-4906's event, declared here because OpenZeppelin's IERC4906 extends IERC721.
    event MetadataUpdate(uint256 _tokenId);

    string public name;
    string public symbol;
    uint256 public nextTokenId = 1;
    mapping(uint256 typeId => TokenType) public tokenTypes;
    mapping(uint256 tokenId => uint256) public tokenTypeOf;
    mapping(uint256 tokenId => string) private _tokenURIs;
    string private _contractURI;

    constructor(string memory name_, string memory symbol_, string memory contractURI_, address owner_)
        ERC1155("")
        Ownable(owner_)
    {
        name = name_;
        symbol = symbol_;
        _contractURI = contractURI_;
    }

    function contractURI() external view returns (string memory) {
        return _contractURI;
    }

    function createTokenType(uint256 maxSupply, bool fungible, string calldata uri_) external onlyOwner returns (uint256 typeId) {
        typeId = nextTokenId++;
        tokenTypes[typeId] = TokenType({maxSupply: maxSupply, minted: 0, fungible: fungible, exists: true});
        tokenTypeOf[typeId] = typeId;
        _tokenURIs[typeId] = uri_;
        emit TokenTypeCreated(typeId, maxSupply, fungible);
        emit URI(uri_, typeId);
    }

    function mint(address to, uint256 typeId, uint256 amount) external onlyOwner returns (uint256 tokenId) {
        TokenType storage t = tokenTypes[typeId];
        if (!t.exists) revert UnknownTokenType(typeId);
        if (!t.fungible && amount != 1) revert NonFungibleAmount(typeId, amount);
        if (t.maxSupply != 0 && t.minted + amount > t.maxSupply) revert MaxSupplyExceeded(typeId, t.maxSupply, t.minted, amount);
        t.minted += amount;
        if (t.fungible) {
            tokenId = typeId;
        } else {
            tokenId = nextTokenId++;
            tokenTypeOf[tokenId] = typeId;
        }
        _mint(to, tokenId, amount, "");
    }

    /// Sets the metadata URI of a token id (a token type's or one non-fungible token's).
    function setTokenURI(uint256 tokenId, string calldata uri_) external onlyOwner {
        if (tokenTypeOf[tokenId] == 0) revert UnknownToken(tokenId);
        _tokenURIs[tokenId] = uri_;
        emit URI(uri_, tokenId);
        emit MetadataUpdate(tokenId);
    }

    function uri(uint256 tokenId) public view override returns (string memory) {
        string memory own = _tokenURIs[tokenId];
        return bytes(own).length > 0 ? own : _tokenURIs[tokenTypeOf[tokenId]];
    }

    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == bytes4(0x49064906) || super.supportsInterface(interfaceId);
    }
}
