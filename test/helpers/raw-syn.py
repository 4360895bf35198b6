#!/usr/bin/env python3
"""An L2 neighbour's crafted TCP SYN (issue 10, item 9): sends one SYN from SRC_IP to DST_IP:PORT
in an Ethernet frame addressed to DST_MAC on IFACE, through a raw AF_PACKET socket (so the kernel's
own routing, which would never send to 127.0.0.1, is bypassed), then listens on IFACE for a SYN-ACK
from DST_IP:PORT. Prints "syn-ack" or "no-answer". Usage: raw-syn.py IFACE DST_MAC SRC_IP DST_IP PORT SECONDS
"""
import random
import socket
import struct
import sys
import time

def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF

def main() -> None:
    iface, dst_mac, src_ip, dst_ip, port, seconds = sys.argv[1:7]
    port, seconds = int(port), float(seconds)
    src, dst = socket.inet_aton(src_ip), socket.inet_aton(dst_ip)
    sport = random.randint(20000, 60000)
    seq = random.randint(0, 2**32 - 1)
    tcp = struct.pack("!HHIIBBHHH", sport, port, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.randint(0, 65535), 0, 64, socket.IPPROTO_TCP, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    sock.bind((iface, 0))
    own_mac = sock.getsockname()[4]
    frame = bytes.fromhex(dst_mac.replace(":", "")) + own_mac + struct.pack("!H", 0x0800) + ip + tcp
    sock.settimeout(0.2)
    deadline = time.time() + seconds
    sock.send(frame)
    while time.time() < deadline:
        try:
            packet = sock.recv(2048)
        except socket.timeout:
            continue
        if len(packet) < 54 or packet[12:14] != b"\x08\x00" or packet[23] != socket.IPPROTO_TCP:
            continue
        header = (packet[14] & 0x0F) * 4
        reply_sport, reply_dport = struct.unpack("!HH", packet[14 + header:18 + header])
        flags = packet[14 + header + 13]
        if reply_sport == port and reply_dport == sport and flags & 0x12 == 0x12:
            print("syn-ack")
            return
    print("no-answer")

main()
