# SPDX-License-Identifier: BSD-2-Clause
"""A stand-in for the PyPI "sm4" package, which Debian does not ship, so
that tests/bench/molto2 can run the vendor's Molto2 client beside
safeid-tool: SM4Key(key).encrypt(data) is SM4-ECB without padding, and
encrypt(data, initial=iv) SM4-CBC without padding, both through Debian's
python3-cryptography (OpenSSL)."""
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class SM4Key:
    def __init__(self, key):
        if len(key) != 16:
            raise ValueError("an SM4 key is 16 bytes")
        self._key = bytes(key)

    def encrypt(self, data, initial=None, padding=False):
        if padding or len(data) % 16:
            raise ValueError("whole 16-byte blocks only, no padding")
        mode = modes.ECB() if initial is None else modes.CBC(bytes(initial))
        enc = Cipher(algorithms.SM4(self._key), mode).encryptor()
        return enc.update(bytes(data)) + enc.finalize()

    def decrypt(self, data, initial=None, padding=False):
        if padding or len(data) % 16:
            raise ValueError("whole 16-byte blocks only, no padding")
        mode = modes.ECB() if initial is None else modes.CBC(bytes(initial))
        dec = Cipher(algorithms.SM4(self._key), mode).decryptor()
        return dec.update(bytes(data)) + dec.finalize()
