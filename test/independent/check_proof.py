#!/usr/bin/env python3
"""An independent check of a shredproof per-object proof, written from
docs/FORMAT.md alone, with nothing but the Python standard library. As in
check_certificate.py, the Ed25519 signature is left to openssl: this script
writes the signed bytes (the DSSE PAE) and the raw signature.

usage: check_proof.py PROOF PUBLIC_KEY_PEM OUT_PAE OUT_SIG
exit 0 when the record (version 1) or the entry of a list (version 2) is in the
certified tree, 1 (with the reason) otherwise.
"""
import base64, hashlib, json, sys

PAYLOAD_TYPE = "application/vnd.shredproof.certificate.v1+json"
PAYLOAD_TYPE_V2 = "application/vnd.shredproof.certificate.v2+json"

def fail(*why):
    print("FAIL:", ": ".join(why))
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
    try:
        return json.loads(text, object_pairs_hook=unique, parse_constant=lambda name: fail(name + " is not JSON"))
    except ValueError:
        fail(what + " is not JSON")

def canonical(value):                      # RFC 8785 for these values: sorted, no spaces, UTF-8
    checkable(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

def checkable(value):
    # json.dumps writes RFC 8785 only for integers below 2^53 (ECMAScript writes
    # larger numbers and floats otherwise), for member names that sort the same
    # by code point as by UTF-16 unit (none above U+FFFF), and for strings without
    # lone surrogates. These formats need no other values: refuse them.
    if isinstance(value, float) or type(value) is int and abs(value) >= 2 ** 53 or isinstance(value, str) and \
            any(0xD800 <= ord(c) < 0xE000 for c in value) or isinstance(value, dict) and any(ord(c) > 0xFFFF for c in "".join(value)):
        fail("a value this script cannot put in RFC 8785 form: " + ascii(value)[:100])
    for v in value.values() if isinstance(value, dict) else value if isinstance(value, list) else []:
        checkable(v)

def node_hash(left, right):                # FORMAT.md section 2
    return hashlib.sha256(b"\x01" + left + right).digest()

def rule(ok, *why):
    if not ok:
        fail(*why)

def integer(v):
    return type(v) is int and 0 <= v < 2 ** 53

def hexes(v, least=64, most=64):          # lowercase hex of least to most digits, whole bytes
    return isinstance(v, str) and least <= len(v) <= most and len(v) % 2 == 0 and not set(v) - set("0123456789abcdef")

def path_length(m, n):                     # RFC 6962 section 2.1.1: PATH(m, D[n]) takes one hash per split
    k = 1
    while k * 2 < n:
        k *= 2
    return 0 if n < 2 else 1 + (path_length(m, k) if m < k else path_length(m - k, n - k))

# The members of each list's entries (sections 3 and 5.5): a record may have
# more; a list entry has exactly these, and a retained one may add sha256 with size.
MEMBERS = {"records": {"index", "target", "locator", "sha256", "size", "destroyedAt", "method", "salt"},
           "retained": {"index", "target", "locator", "holdId", "reason", "salt"},
           "exceptions": {"index", "target", "locator", "code", "reason", "salt"},
           "rescan": {"index", "target", "locator", "status", "salt"}}
SAYS = {"records": "DESTROYED, content sha256 %(sha256)s", "retained": "KEPT under the legal hold %(holdId)s, not destroyed",
        "exceptions": "NOT destroyed: %(code)s", "rescan": "still present after the order: %(status)s"}

def version2(proof, key_path, out_pae, out_sig):   # section 7.1; each failure starts with its code of section 8
    known = {"type", "version", "list", "entry", "leafIndex", "treeSize", "auditPath", "certificate"}
    rule(proof.get("type") == "shredproof.object-proof", "PROOF_MALFORMED", "not an object proof")
    rule(set(proof) <= known, "MEMBER_UNKNOWN", "members not of section 7.1: " + json.dumps(sorted(set(proof) - known)))
    name, index, size, path = proof["list"], proof["leafIndex"], proof["treeSize"], proof["auditPath"]
    rule(name in MEMBERS and isinstance(proof["entry"], str) and integer(index) and integer(size) and isinstance(path, list)
         and all(hexes(p) for p in path) and isinstance(proof["certificate"], dict), "PROOF_MALFORMED", "a member of the wrong type")

    envelope = proof["certificate"]        # the certificate (section 5.1), of version 2 only
    pt = envelope["payloadType"]
    rule(pt != PAYLOAD_TYPE, "PROOF_CERTIFICATE_MISMATCH", "a version 2 proof carries a version 1 certificate")
    rule(pt == PAYLOAD_TYPE_V2, "PAYLOAD_TYPE_WRONG", json.dumps(pt))
    payload = base64.b64decode(envelope["payload"], validate=True)
    open(out_pae, "wb").write(b"DSSEv1 %d %s %d " % (len(pt), pt.encode(), len(payload)) + payload)
    open(out_sig, "wb").write(base64.b64decode(envelope["signatures"][0]["sig"], validate=True))
    pem = open(key_path).read().split("-----")     # key id (5.2)
    rule(len(pem) == 5 and pem[1] == "BEGIN PUBLIC KEY", "KEY_MALFORMED", key_path + " is not a PEM public key")
    spki = base64.b64decode("".join(pem[2].split()), validate=True)
    rule(len(spki) == 44 and spki[:12].hex() == "302a300506032b6570032100", "KEY_MALFORMED", "not an Ed25519 public key")
    keyid = hashlib.sha256(spki[12:]).hexdigest()
    statement = loads(payload, "the statement")
    rule(envelope["signatures"][0]["keyid"] == keyid, "KEY_UNTRUSTED", "the signature is not by this key")
    rule(statement["type"] == "shredproof.certificate", "STATEMENT_INVALID", "the statement's type")
    rule(statement["issuer"]["keyid"] == keyid, "STATEMENT_INVALID", "issuer.keyid is not this key's")
    rule(statement["version"] == 2, "VERSION_UNSUPPORTED", "statement version " + json.dumps(statement["version"]))
    rule(canonical(statement) == payload, "STATEMENT_NOT_CANONICAL", "the statement is not canonical")
    heads = {"records": statement["merkle"], "retained": statement["retained"],
             "exceptions": statement["exceptions"], "rescan": statement["rescan"]["items"]}
    head = heads[name]
    rule(head["algorithm"] == "rfc6962-sha256" and integer(head["treeSize"]) and hexes(head["rootHash"]),
         "STATEMENT_INVALID", "the statement's head of " + name)
    rule(size == head["treeSize"], "PROOF_CERTIFICATE_MISMATCH",
         "treeSize %d, the certificate's %s has %d" % (size, name, head["treeSize"]))

    line = proof["entry"].encode("utf-8")   # the entry: canonical, at its leaf (sections 3 and 5.5)
    entry = loads(line, "the entry")
    names = set(entry) if isinstance(entry, dict) else set()
    extra = names - MEMBERS[name]
    rule(MEMBERS[name] <= names and (name == "records" or not extra or name == "retained" and extra == {"sha256", "size"}),
         "RECORD_INVALID", "not the members of an entry of %s: %s" % (name, json.dumps(sorted(names))))
    rule(isinstance(entry["target"], str) and isinstance(entry["locator"], str) and hexes(entry["salt"], 32, len(line))
         and ("sha256" not in entry or hexes(entry["sha256"])), "RECORD_INVALID", "its target, locator, salt or sha256")
    rule(canonical(entry) == line, "RECORD_NOT_CANONICAL", "the entry is not canonical")
    rule(integer(entry["index"]) and entry["index"] == index,
         "RECORD_INDEX_WRONG", "the entry has index %s, the proof says %d" % (json.dumps(entry["index"]), index))
    rule(entry["target"] in [t["name"] for t in statement["targets"]], "RECORD_INVALID", "its target is not the statement's")
    rule(index < size, "INDEX_OUT_OF_RANGE", "leaf %d of a tree of %d" % (index, size))
    want = path_length(index, size)
    rule(len(path) == want, "PROOF_SIZE_WRONG", "wrong proof size %d, want %d" % (len(path), want))
    fn, sn, r = index, size - 1, hashlib.sha256(b"\x00" + line).digest()   # RFC 9162 section 2.1.3.2
    for p in map(bytes.fromhex, path):
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    rule(r.hex() == head["rootHash"], "MERKLE_ROOT_MISMATCH", "the audit path does not lead to the certified root")
    show = lambda v: json.dumps(v)[1:-1].replace("\x7f", "\\u007f")   # control and non-ASCII characters escaped, as text
    shown = {k: show(entry.get(k)) for k in ("sha256", "holdId", "code", "status")}
    print("proof OK: %s %s, %s leaf %d of %d: %s" % (show(entry["target"]), show(entry["locator"]), name, index, size,
                                                   SAYS[name] % shown))

proof_path, key_path, out_pae, out_sig = sys.argv[1:5]
proof = loads(open(proof_path, "rb").read(), "the proof")
if isinstance(proof, dict) and proof.get("version") == 2:
    try:
        version2(proof, key_path, out_pae, out_sig)
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as e:   # a member missing, or of another type
        fail("PROOF_MALFORMED", "malformed: " + ascii(e))
    sys.exit(0)
if proof["type"] != "shredproof.object-proof" or proof["version"] != 1:
    fail("not a version 1 object proof")
if set(proof) != {"type", "version", "record", "leafIndex", "treeSize", "auditPath", "certificate"}:
    fail("members other than those of section 7")

envelope = proof["certificate"]            # FORMAT.md 5.1
if envelope["payloadType"] == PAYLOAD_TYPE_V2:
    fail("PROOF_CERTIFICATE_MISMATCH", "a version 1 proof carries a version 2 certificate")
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
