#!/usr/bin/env python3
"""Writes openssl-ciphers.tsv, the cipher table lws4j's OpenSSL cipher-list translation runs on.

Run with the OpenSSL 3 command line tool on the PATH:

    python3 src/build/openssl-cipher-table.py > src/main/resources/org/lws4j/tls/openssl-ciphers.tsv

Every TLS 1.2-and-older cipher suite OpenSSL knows, one per line, in OpenSSL's own preference
order (the order "ALL" lists them in, with the eNULL suites put where OpenSSL keeps them), with
its OpenSSL and IANA names, attributes, and every alias of a cipher string that selects it, as
`openssl ciphers ALIAS` says. The order is recovered by merging what each alias lists (each is
OpenSSL's one internal order restricted to that alias), so the table holds nothing guessed.
"""
import subprocess
import sys

# every alias OpenSSL 3 knows that selects TLS 1.2-and-older suites (DEFAULT is a rule string,
# handled by the translator; SUITEB* also sets curve and certificate rules, not supported)
ALIASES = """ALL COMPLEMENTOFALL COMPLEMENTOFDEFAULT kRSA kEDH kDHE DH kEECDH kECDHE ECDH kPSK kRSAPSK
kECDHEPSK kDHEPSK kSRP aRSA aDSS DSS aNULL aECDSA ECDSA aPSK aSRP EDH DHE EECDH ECDHE NULL RSA ADH
AECDH PSK SRP 3DES RC4 RC2 IDEA SEED eNULL AES128 AES256 AES AESGCM AESCCM AESCCM8 CAMELLIA128
CAMELLIA256 CAMELLIA CHACHA20 ARIA ARIAGCM ARIA128 ARIA256 CBC MD5 SHA1 SHA SHA256 SHA384 SSLv3
TLSv1 TLSv1.0 TLSv1.2 LOW MEDIUM HIGH FIPS""".split()


def listing(rule):
    """(hex id, OpenSSL name, IANA name, version, kx, au, enc, mac) per suite, TLS 1.3 left out."""
    out = subprocess.run(["openssl", "ciphers", "-stdname", "-V", rule], capture_output=True, text=True)
    rows = []
    for line in out.stdout.splitlines():
        f = line.split()
        # 0x13,0x02 - TLS_AES_256_GCM_SHA384 - TLS_AES_256_GCM_SHA384 TLSv1.3 Kx=any Au=any Enc=.. Mac=..
        if len(f) < 10 or f[5] == "TLSv1.3":
            continue
        rows.append((f[0], f[4], f[2], f[5], f[6][3:], f[7][3:], f[8][4:], f[9][4:]))
    return rows


def main():
    universe = listing("ALL:COMPLEMENTOFALL")
    by_name = {r[1]: r for r in universe}
    chains = {a: [r[1] for r in listing(a)] for a in ALIASES}
    # merge the chains: each is the one internal order restricted to an alias
    after = {n: set() for n in by_name}
    for chain in chains.values():
        for i, n in enumerate(chain):
            after[n].update(chain[i + 1:])
    rank = {r[1]: i for i, r in enumerate(universe)}
    order = []
    placed = set()
    while len(order) < len(universe):
        ready = [n for n in by_name if n not in placed
                 and not any(n in after[m] for m in by_name if m not in placed and m != n)]
        if not ready:
            sys.exit("the alias listings contradict each other")
        n = min(ready, key=lambda x: rank[x])
        order.append(n)
        placed.add(n)
    print("# OpenSSL cipher suites in OpenSSL's preference order; written by src/build/openssl-cipher-table.py")
    print("# from " + subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip())
    print("#aliases\t" + " ".join(ALIASES))
    print("# id\topenssl\tiana\tversion\tkx\tau\tenc\tmac\taliases")
    for n in order:
        r = by_name[n]
        aliases = [a for a in ALIASES if n in chains[a]]
        print("\t".join(list(r) + [" ".join(aliases)]))


main()
