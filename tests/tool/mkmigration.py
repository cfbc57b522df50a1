#!/usr/bin/python3
"""Write an otpauth-migration://offline?data=... URI (Google Authenticator
export) holding the accounts given as ISSUER:NAME:BASE32:ALG:TYPE arguments
(ALG sha1|sha256|sha512, TYPE totp|hotp), encoded by hand from the public
protobuf field numbers so the test does not share code with the parser."""
import base64
import sys
import urllib.parse


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def field_bytes(num, data):
    return varint(num << 3 | 2) + varint(len(data)) + data


def field_int(num, value):
    return varint(num << 3 | 0) + varint(value)


def account(spec):
    issuer, name, secret, alg, kind = spec.split(":")
    raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
    body = field_bytes(1, raw) + field_bytes(2, name.encode())
    body += field_bytes(3, issuer.encode())
    body += field_int(4, {"sha1": 1, "sha256": 2, "sha512": 3}[alg])
    body += field_int(5, 1)  # six digits
    body += field_int(6, {"hotp": 1, "totp": 2}[kind])
    return field_bytes(1, body)


payload = b"".join(account(a) for a in sys.argv[2:])
payload += field_int(2, 1) + field_int(3, 1) + field_int(4, 0)
data = urllib.parse.quote(base64.b64encode(payload).decode(), safe="")
with open(sys.argv[1], "w") as f:
    f.write("otpauth-migration://offline?data=" + data)
