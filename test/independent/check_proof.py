#!/usr/bin/env python3
"""An independent check of a shredproof per-object proof, written from
docs/FORMAT.md alone, with nothing but the Python standard library. As in
check_certificate.py, the Ed25519 signature is left to openssl: this script
writes the signed bytes (the DSSE PAE) and the raw signature.

usage: check_proof.py PROOF PUBLIC_KEY_PEM OUT_PAE OUT_SIG
exit 0 when the record is in the certified tree, 1 (with the reason) otherwise.
"""
import base64, hashlib, json, sys

PAYLOAD_TYPE = "application/vnd.shredproof.certificate.v1+json"

def fail(why):
    print("FAIL:", why)
    sys.exit(1)

def unique(pairs):                         # FORMAT.md section 1: strict JSON
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names) or {"__proto__", "constructor", "prototype"} & set(names):
        fail("a member name repeats or is refused: %s" % names)
    return dict(pairs)

def loads(data, what):                     # strict UTF-8, then JSON with unique names
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        fail(what + " is not UTF-8")
    return json.loads(text, object_pairs_hook=unique)

def canonical(value):                      # RFC 8785 for these values: sorted, no spaces, UTF-8
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

def node_hash(left, right):                # FORMAT.md section 2
    return hashlib.sha256(b"\x01" + left + right).digest()

proof_path, key_path, out_pae, out_sig = sys.argv[1:5]
proof = loads(open(proof_path, "rb").read(), "the proof")
if proof["type"] != "shredproof.object-proof" or proof["version"] != 1:
    fail("not a version 1 object proof")
if set(proof) != {"type", "version", "record", "leafIndex", "treeSize", "auditPath", "certificate"}:
    fail("members other than those of section 7")

envelope = proof["certificate"]            # FORMAT.md 5.1
if envelope["payloadType"] != PAYLOAD_TYPE:
    fail("payloadType")
payload = base64.b64decode(envelope["payload"], validate=True)
pt = PAYLOAD_TYPE.encode()
open(out_pae, "wb").write(b"DSSEv1 %d %s %d " % (len(pt), pt, len(payload)) + payload)
open(out_sig, "wb").write(base64.b64decode(envelope["signatures"][0]["sig"], validate=True))

pem = open(key_path).read().split("-----")[2]   # key id (5.2)
spki = base64.b64decode("".join(pem.split()))
if len(spki) != 44 or spki[:12].hex() != "302a300506032b6570032100":
    fail("not an Ed25519 public key")
keyid = hashlib.sha256(spki[12:]).hexdigest()
statement = loads(payload, "the statement")
if envelope["signatures"][0]["keyid"] != keyid or statement["issuer"]["keyid"] != keyid:
    fail("key id")
if canonical(statement) != payload:
    fail("the statement is not canonical")
merkle = statement["merkle"]
if statement["version"] != 1 or merkle["algorithm"] != "rfc6962-sha256":
    fail("statement version or tree algorithm")

line = proof["record"].encode("utf-8")     # the record: canonical, at its leaf (section 3)
record = loads(line, "the record")
if canonical(record) != line:
    fail("the record is not canonical")
index, size = proof["leafIndex"], proof["treeSize"]
if record["index"] != index or size != merkle["treeSize"] or not 0 <= index < size:
    fail("leaf index or tree size")

fn, sn = index, size - 1                   # RFC 9162 section 2.1.3.2
r = hashlib.sha256(b"\x00" + line).digest()
for p in proof["auditPath"]:
    p = bytes.fromhex(p)
    if sn == 0 or len(p) != 32:
        fail("audit path too long, or not of 32-byte hashes")
    if fn % 2 == 1 or fn == sn:
        r = node_hash(p, r)
        while fn % 2 == 0 and fn != 0:
            fn, sn = fn >> 1, sn >> 1
    else:
        r = node_hash(r, p)
    fn, sn = fn >> 1, sn >> 1
if sn != 0 or r.hex() != merkle["rootHash"]:
    fail("the audit path does not lead to the certified root")
print("proof OK: %s %s, sha256 %s, leaf %d of %d" % (record["target"], record["locator"], record["sha256"], index, size))
