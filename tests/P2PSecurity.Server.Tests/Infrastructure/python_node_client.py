#!/usr/bin/env python3
"""A node client written from docs/PROTOCOL.md with Python's ssl module: handshake, ping, goodbye.

usage: python_node_client.py HOST PORT IDENTITY_PEM CLIENT_NODE_KEY_HEX [NETWORK_SECRET]
Prints one JSON object with what happened.
"""
import hashlib
import hmac
import json
import os
import socket
import ssl
import struct
import sys

LABEL = b"p2psecurity network-key proof v1"


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return data


def read_frame(conn):
    (length,) = struct.unpack(">I", read_exact(conn, 4))
    return read_exact(conn, length)


def send_frame(conn, body):
    conn.sendall(struct.pack(">I", len(body)) + body)


def proof(secret, challenge, client_key, server_key):
    return hmac.new(secret.encode("utf-8"), LABEL + challenge + client_key + server_key, hashlib.sha256).digest()


def main():
    host, port, identity, client_key_hex = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    secret = sys.argv[5] if len(sys.argv) > 5 else ""
    client_key = bytes.fromhex(client_key_hex)

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.check_hostname = False          # nodes are known by key, not by name
    context.verify_mode = ssl.CERT_NONE     # self-signed; the node key is what counts
    context.load_cert_chain(identity)       # certificate and key in one PEM file

    with socket.create_connection((host, port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="p2psecurity-node") as conn:
            hello = read_frame(conn)
            if hello[0] == 0x04:            # refused as soon as TLS made our key known
                print(json.dumps({"refused": hello[1], "text": hello[2:].decode("utf-8")}))
                return
            assert hello[0] == 0x01, "expected ServerHello or Refusal"
            version, flags = hello[1], hello[2]
            server_challenge, server_key = hello[3:35], hello[35:67]
            my_challenge = os.urandom(32)
            body = bytes([0x02, version])
            if flags & 0x01:
                body += bytes([0x01]) + my_challenge + proof(secret, server_challenge, client_key, server_key)
            else:
                body += bytes([0x00]) + my_challenge
            send_frame(conn, body)

            answer = read_frame(conn)
            if answer[0] == 0x04:
                print(json.dumps({"refused": answer[1], "text": answer[2:].decode("utf-8")}))
                return
            assert answer[0] == 0x03, "expected Welcome or Refusal"
            wflags = answer[1]
            peer_key = answer[2:34]
            max_frame, rate_count, rate_seconds = struct.unpack(">III", answer[34:46])
            server_proof_ok = None
            if wflags & 0x01:
                server_proof_ok = hmac.compare_digest(answer[46:78], proof(secret, my_challenge, client_key, server_key))

            send_frame(conn, bytes([0x10]) + b"from python")
            pong = read_frame(conn)
            send_frame(conn, bytes([0x12, 0x00]) + b"bye")
            print(json.dumps({
                "welcomed": True,
                "peer_key": peer_key.hex() if wflags & 0x02 else None,
                "server_key": server_key.hex(),
                "max_frame": max_frame,
                "rate": [rate_count, rate_seconds],
                "server_proof_ok": server_proof_ok,
                "pong_type": pong[0],
                "pong": pong[1:].decode("utf-8"),
            }))


if __name__ == "__main__":
    main()
