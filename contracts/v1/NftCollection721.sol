// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// ERC-721 collection deployed by the engine. Token ids are sequential from 1; each token carries its
/// own metadata URI, and changing it emits the EIP-4906 MetadataUpdate event (from ERC721URIStorage).
contract NftCollection721 is ERC721URIStorage, Ownable {
    error MaxSupplyExceeded(uint256 maxSupply);

    uint256 public immutable maxSupply;
    uint256 public totalSupply;
    string private _contractURI;

    constructor(string memory name_, string memory symbol_, string memory contractURI_, uint256 maxSupply_, address owner_)
        ERC721(name_, symbol_)
        Ownable(owner_)
    {
        _contractURI = contractURI_;
        maxSupply = maxSupply_;
    }

    function contractURI() external view returns (string memory) {
        return _contractURI;
    }

    function mintTo(address to, string calldata tokenURI_) external onlyOwner returns (uint256 tokenId) {
        if (maxSupply != 0 && totalSupply >= maxSupply) revert MaxSupplyExceeded(maxSupply);
        tokenId = ++totalSupply;
        _safeMint(to, tokenId);
        _setTokenURI(tokenId, tokenURI_);
    }

    function setTokenURI(uint256 tokenId, string calldata tokenURI_) external onlyOwner {
        _requireOwned(tokenId);
        _setTokenURI(tokenId, tokenURI_);
    }
}
