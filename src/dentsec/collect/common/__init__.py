"""Collection helpers shared by every OS."""
