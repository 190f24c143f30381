// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// ERC-721 collection deployed by the engine (contract version 2). Token ids are sequential from 1 and
/// tokenURI(id) is baseURI + id: the engine serves each token's current metadata from its API, so no URI
/// is stored per token and a metadata change is only an EIP-4906 event.
///
/// Mints use _mint, not _safeMint: the recipients are chosen by the engine's user, and a recipient
/// contract that refuses (or lacks) onERC721Received would otherwise revert a whole batch; skipping the
/// check also saves the cold account access per recipient. ERC-721 asks for the check only on transfers.
contract NftCollection721 is ERC721, IERC4906, Ownable {
    error MaxSupplyExceeded(uint256 maxSupply, uint256 totalSupply, uint256 amount);
    error EmptyBatch();

    uint256 public immutable maxSupply;
    uint256 public totalSupply;
    string private _baseTokenURI;
    string private _contractURI;

    constructor(
        string memory name_,
        string memory symbol_,
        string memory contractURI_,
        string memory baseURI_,
        uint256 maxSupply_,
        address owner_
    ) ERC721(name_, symbol_) Ownable(owner_) {
        _contractURI = contractURI_;
        _baseTokenURI = baseURI_;
        maxSupply = maxSupply_;
    }

    function contractURI() external view returns (string memory) {
        return _contractURI;
    }

    function mintTo(address to) external onlyOwner returns (uint256 tokenId) {
        tokenId = _takeTokenIds(1);
        _mint(to, tokenId);
    }

    /// Mints one token to each address, with consecutive ids from the one returned.
    function mintBatch(address[] calldata to) external onlyOwner returns (uint256 firstTokenId) {
        if (to.length == 0) revert EmptyBatch();
        firstTokenId = _takeTokenIds(to.length);
        for (uint256 i = 0; i < to.length; ++i) {
            _mint(to[i], firstTokenId + i);
        }
    }

    /// Tells marketplaces that the metadata the API serves for a token changed.
    function notifyMetadataUpdate(uint256 tokenId) external onlyOwner {
        _requireOwned(tokenId);
        emit MetadataUpdate(tokenId);
    }

    /// Tells marketplaces that the metadata of tokens fromTokenId..toTokenId (inclusive) changed.
    function notifyBatchMetadataUpdate(uint256 fromTokenId, uint256 toTokenId) external onlyOwner {
        emit BatchMetadataUpdate(fromTokenId, toTokenId);
    }

    function supportsInterface(bytes4 interfaceId) public view override(ERC721, IERC165) returns (bool) {
        return interfaceId == bytes4(0x49064906) || super.supportsInterface(interfaceId);
    }

    function _baseURI() internal view override returns (string memory) {
        return _baseTokenURI;
    }

    /// Reserves `amount` ids under maxSupply (0 = unlimited); totalSupply is written once per call.
    function _takeTokenIds(uint256 amount) private returns (uint256 firstTokenId) {
        uint256 minted = totalSupply;
        if (maxSupply != 0 && minted + amount > maxSupply) revert MaxSupplyExceeded(maxSupply, minted, amount);
        totalSupply = minted + amount;
        firstTokenId = minted + 1;
    }
}
