#!/usr/bin/env python3
"""An independent check of a shredproof certificate, written from docs/FORMAT.md
alone, with nothing but the Python standard library. The Ed25519 signature is
left to openssl: this script writes the exact bytes that were signed (the DSSE
PAE) and the raw signature, for `openssl pkeyutl -verify -rawin`.

usage: check_certificate.py CERTIFICATE PUBLIC_KEY_PEM RECORDS OUT_PAE OUT_SIG
exit 0 when the records match the certificate, 1 (with the reason) otherwise.
"""
import base64, hashlib, json, sys

PAYLOAD_TYPE = "application/vnd.shredproof.certificate.v1+json"

def fail(why):
    print("FAIL:", why)
    sys.exit(1)

def unique(pairs):                        # FORMAT.md section 1: strict JSON
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names) or {"__proto__", "constructor", "prototype"} & set(names):
        fail("a member name repeats or is refused: %s" % names)
    return dict(pairs)

def loads(data, what):                    # strict UTF-8, then JSON with unique names
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        fail(what + " is not UTF-8")
    return json.loads(text, object_pairs_hook=unique)

def canonical(value):                     # RFC 8785 for these values: sorted, no spaces, UTF-8
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

def leaf_hash(data):                      # FORMAT.md section 2
    return hashlib.sha256(b"\x00" + data).digest()

def mth(hashes):                          # RFC 6962 section 2.1
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(hashes[:k]) + mth(hashes[k:])).digest()

cert_path, key_path, records_path, out_pae, out_sig = sys.argv[1:6]
envelope = loads(open(cert_path, "rb").read(), "certificate.json")
if envelope["payloadType"] != PAYLOAD_TYPE:
    fail("payloadType")
payload = base64.b64decode(envelope["payload"], validate=True)
pt = PAYLOAD_TYPE.encode()
pae = b"DSSEv1 %d %s %d " % (len(pt), pt, len(payload)) + payload   # FORMAT.md 5.1
open(out_pae, "wb").write(pae)
open(out_sig, "wb").write(base64.b64decode(envelope["signatures"][0]["sig"], validate=True))

# key id = SHA-256 of the 32 raw key bytes, the tail of the 44-byte SPKI (5.2)
pem = open(key_path).read().split("-----")[2]
spki = base64.b64decode("".join(pem.split()))
if len(spki) != 44 or spki[:12].hex() != "302a300506032b6570032100":
    fail("not an Ed25519 public key")
keyid = hashlib.sha256(spki[12:]).hexdigest()
statement = loads(payload, "the statement")
if envelope["signatures"][0]["keyid"] != keyid or statement["issuer"]["keyid"] != keyid:
    fail("key id")
if statement["version"] != 1:
    fail("statement version")
if canonical(statement) != payload:       # the signed bytes are the statement's RFC 8785 form (5.1)
    fail("the statement is not canonical")
order, names = statement["order"], {t["name"] for t in statement["targets"]}
if order["createdBy"] == order["approvedBy"]:
    fail("created and approved by the same person")
for item in statement["exceptions"] + statement["retained"] + statement["rescan"]["items"]:
    if item["target"] not in names:
        fail("an item names a target the statement does not list")
for d in statement["derived"]:
    if "sha256" in d and (len(d["sha256"]) != 64 or set(d["sha256"]) - set("0123456789abcdef")):
        fail("derived sha256")

data = open(records_path, "rb").read()      # FORMAT.md section 3
if hashlib.sha256(data).hexdigest() != statement["records"]["sha256"]:
    fail("records.sha256")
lines = data.split(b"\n")
if lines.pop() != b"":
    fail("last line has no newline")
total = 0
for i, line in enumerate(lines):
    record = loads(line, "line %d" % i)
    if canonical(record) != line:
        fail("line %d is not canonical" % i)
    if record["index"] != i:
        fail("line %d has index %d" % (i, record["index"]))
    total += record["size"]
root = mth([leaf_hash(line) for line in lines]).hex()
merkle = statement["merkle"]
if merkle["algorithm"] != "rfc6962-sha256" or merkle["treeSize"] != len(lines) or merkle["rootHash"] != root:
    fail("merkle root: computed %s over %d records" % (root, len(lines)))
if total != statement["records"]["bytes"]:
    fail("records.bytes")
c = statement["completeness"]
if c["planned"] != c["destroyed"] + c["retained"] + c["exceptions"] or c["destroyed"] != len(lines):
    fail("completeness")
print("records OK: %d records, root %s, key id %s" % (len(lines), root, keyid))
