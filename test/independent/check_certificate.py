#!/usr/bin/env python3
"""An independent check of a shredproof certificate, written from docs/FORMAT.md
alone, with nothing but the Python standard library. The Ed25519 signature is
left to openssl: this script writes the exact bytes that were signed (the DSSE
PAE) and the raw signature, for `openssl pkeyutl -verify -rawin`.

usage, version 1: check_certificate.py CERTIFICATE PUBLIC_KEY_PEM RECORDS OUT_PAE OUT_SIG
usage, version 2: check_certificate.py --bundle DIR OUT_PAE OUT_SIG OUT_KEY [--keyid HEX | --trust-sha256 HEX | --trust FILE]
  checks the bundle DIR (FORMAT.md sections 5.4 to 5.10, 8 and 10) and writes to
  OUT_KEY the public key (PEM) under which openssl must verify the signature.
  The approvals and signed dispositions that the statement carries (5.9, 5.10)
  are signatures too: this script runs the same `openssl pkeyutl -verify -rawin`
  on each of them itself, under the approver's key from the trust root, and
  fails when openssl does. So it does for each vendor's bundle in
  DIR/vendors/NAME/ (5.10), which it checks as a bundle of its own, and,
  when the trust root names a transparency log (12), for the certificate
  itself and for the log's signature and the witnesses' cosignatures on the
  checkpoint of DIR/receipt.tlog-proof, the certificate's receipt.
exit 0 when every check passes, 1 (with the reason) otherwise.
"""
import base64, datetime, hashlib, json, os, re, subprocess, sys, tempfile, unicodedata

PAYLOAD_TYPE = "application/vnd.shredproof.certificate.v1+json"

WHERE = []   # the vendor bundles being checked (5.10), outermost first: every line from inside one names it


def names_order(reference, order_id):
    # The reference names the order as a whole word (FORMAT.md 5.10): not inside a longer id.
    word = re.escape(order_id)
    return re.search(r"(?<![A-Za-z0-9._-])" + word + r"(?![A-Za-z0-9._-])", reference) is not None

def say(line):
    print("".join(WHERE) + ": " + line if WHERE else line)

def fail(*why):
    if WHERE:   # after the reason code, if there is one
        n = 1 if re.fullmatch("[A-Z][A-Z0-9_]+", why[0]) else 0
        why = why[:n] + ("in " + "".join(WHERE),) + why[n:]
    print("FAIL:", ": ".join(why))
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
    try:
        return json.loads(text, object_pairs_hook=unique, parse_constant=lambda name: fail(name + " is not JSON"))
    except ValueError:
        fail(what + " is not JSON")

def canonical(value):                     # RFC 8785 for these values: sorted, no spaces, UTF-8
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

def version1(cert_path, key_path, records_path, out_pae, out_sig):
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

# Version 2: a bundle directory (sections 5.4 to 5.8, 8 and 10). Each failure
# starts with its reason code of section 8.
PAYLOAD_TYPE_V2 = "application/vnd.shredproof.certificate.v2+json"
HEX, EMPTY = set("0123456789abcdef"), hashlib.sha256(b"").hexdigest()
TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?Z")
STATUSES = ("held", "exception", "unplanned", "recreated")

def rule(ok, *why):
    if not ok:
        fail(*why)

def string(v): return isinstance(v, str)
def nonempty(v): return isinstance(v, str) and v != ""
def integer(v): return type(v) is int and 0 <= v < 2 ** 53
def hex32(v): return isinstance(v, str) and len(v) == 64 and not set(v) - HEX
def salt(v): return isinstance(v, str) and len(v) >= 32 and len(v) % 2 == 0 and not set(v) - HEX
def method(v): return isinstance(v, str) and re.fullmatch("[a-z0-9][a-z0-9-]*", v) is not None
def person(v): return isinstance(v, str) and re.fullmatch("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}", v) is not None
def role(v): return v in ("approver", "performer")
def signature(v): return isinstance(v, str) and len(unb64(v) or b"") == 64
def tree(v): return v == "rfc6962-sha256"

def chars(most, controls=True):           # 1 to `most` characters; controls=False: no C0, DEL or C1 character
    return lambda v: isinstance(v, str) and 1 <= len(v) <= most and (controls or all(31 < ord(c) < 127 or ord(c) > 159 for c in v))

def time(v):                              # section 1, on a date that exists
    try:
        return TIME.fullmatch(v) is not None and datetime.date(int(v[:4]), int(v[5:7]), int(v[8:10])) is not None
    except (TypeError, ValueError):
        return False

def instant(t):                           # section 5.4: compare the seconds as text, then the fraction as a decimal
    return t[:19], t[20:-1].rstrip("0")

# The members of sections 3, 5.1 and 5.4 to 5.7, with their types; a name ending in "?" is optional.
HEAD = {"algorithm": tree, "treeSize": integer, "rootHash": hex32, "sha256": hex32}
COUNTS = ("planned", "destroyed", "retained", "exceptions")
STATEMENT = {
    "certificateId": nonempty, "issuedAt": time, "issuer": {"name": string, "keyid": hex32},
    "tool": {"name": chars(200), "version": chars(200)},
    "order": {"id": nonempty, "reference": string, "sha256": hex32, "createdBy": string, "approvedBy": string,
              "approvedAt": time, "deadline?": time},
    "merkle": {"algorithm": tree, "treeSize": integer, "rootHash": hex32}, "records": {"sha256": hex32, "bytes": integer},
    "inventory": {"algorithm": tree, "treeSize": integer, "rootHash": hex32, "bytes": integer, "plannedAt": time},
    "execution": {"startedAt": time, "finishedAt": time, "withinDeadline?": lambda v: type(v) is bool},
    "targets": [{"name": string, "kind": string, "system": chars(256, controls=False), "methods": [method],
                 "planned": integer, "destroyed": {"count": integer, "bytes": integer}, "retained": integer,
                 "exceptions": integer, "persistence": [string]}],
    "completeness": {k: integer for k in COUNTS}, "retained": HEAD, "exceptions": HEAD,
    "rescan": {"completedAt": time, "remaining": integer, "items": HEAD, "statuses": {k: integer for k in STATUSES}},
    "derived": [{"name": string, "description": string, "sha256?": hex32}], "audit?": {"entries": integer, "head": hex32},
    "status": lambda v: v in ("complete", "complete-with-exceptions"),
    "approvals?": [{"role": role, "person": person, "keyid": hex32, "signedAt": time, "signature": signature}]}
ENTRY = {"index": integer, "target": string, "locator": nonempty, "salt": salt}
ENTRIES = {   # a record may have other members; a list entry may not
    "records": dict(ENTRY, locator=string, sha256=hex32, size=integer, destroyedAt=time, method=method,
                    **{"attributes?": lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values())}),
    "retained": dict(ENTRY, holdId=nonempty, reason=string, **{"sha256?": hex32, "size?": integer}),
    "exceptions": dict(ENTRY, code=string, reason=string),
    "rescan": dict(ENTRY, status=lambda v: v in STATUSES)}
ENVELOPE = {"payloadType": string, "payload": string, "signatures": [{"keyid": string, "sig": string}]}
KEY = {"keyid": hex32, "publicKey": string, "validFrom": time, "validUntil?": time, "revokedAt?": time, "revocationReason?": string,
       "revocationLogIndex?": integer}
LOG = {"origin": lambda v: chars(255, controls=False)(v) and len(v.encode("utf-16-le", "surrogatepass")) <= 510,   # section 12.7
       "keys": [lambda v: verifier_key(v, NOTE_ED25519) is not None],
       "witnesses?": [lambda v: verifier_key(v, NOTE_COSIGNATURE) is not None], "witnessQuorum?": integer, "receiptsRequiredFrom?": time}
TRUST = {"issuer": string, "certificateKeys": [KEY], "approvalKeys?": [dict(KEY, person=person, roles=[role])],
         "approvalsRequiredFrom?": time, "log?": LOG}
DISPOSITIONS = ("destroyed", "retained-with-justification", "held-by-vendor", "not-in-plan")
ARTIFACT = {"name": lambda v: isinstance(v, str) and re.fullmatch("[a-z0-9][a-z0-9._-]{0,99}", v) is not None,
            "kind": chars(50), "description": chars(2000), "lineage": [string], "disposition": lambda v: v in DISPOSITIONS,
            "target?": string, "justification?": chars(5000),
            "vendor?": {"name": chars(200), "certificateId": chars(200), "certificateSha256": hex32, "keyid": hex32, "trustSha256": hex32},
            "signedBy?": {"person": person, "keyid": hex32, "signedAt": time, "signature": signature}}

def shape(value, schema, where, code, exact=False):   # exact: no member but the schema's
    if isinstance(schema, dict):
        rule(isinstance(value, dict), code, where + " is not an object")
        names = {name.rstrip("?") for name in schema}
        rule(not exact or set(value) <= names, code, "%s has members %s" % (where, json.dumps(sorted(set(value) - names))))
        for name, s in schema.items():
            rule(name.endswith("?") or name in value, code, where + "." + name + " is missing")
            if name.rstrip("?") in value:
                shape(value[name.rstrip("?")], s, where + "." + name.rstrip("?"), code, exact)
    elif isinstance(schema, list):
        rule(isinstance(value, list), code, where + " is not an array")
        for i, v in enumerate(value):
            shape(v, schema[0], "%s[%d]" % (where, i), code, exact)
    else:                                 # json.dumps shows a control character as its escape, not to the terminal
        rule(schema(value), code, "%s is not valid: %s" % (where, json.dumps(value)[:100]))

def unb64(text):   # section 1: standard or URL-safe alphabet, padding optional, no non-zero trailing bits; None if not
    t = text.translate({45: "+", 95: "/"}) if not set("+/") & set(text) else text
    t += "=" * (-len(t) % 4)
    try:
        data = base64.b64decode(t, validate=True)
    except ValueError:
        return None
    return data if base64.b64encode(data).decode() == t else None

def b64(text, what, code):
    data = unb64(text)
    rule(data is not None, code, what + " is not base64 in one of its forms")
    return data

def pae(payload_type, body):   # section 5.1: DSSE v1's pre-authentication encoding, the bytes that are signed
    return b"DSSEv1 %d %s %d " % (len(payload_type), payload_type.encode(), len(body)) + body

def pem_text(spki):
    return "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n" % base64.b64encode(spki).decode()

def spki_keyid(spki, what, code):   # section 5.2: 12 fixed DER bytes, then the raw key, whose SHA-256 is the key id
    rule(len(spki) == 44 and spki[:12].hex() == "302a300506032b6570032100", code, what + " is not an Ed25519 public key")
    return hashlib.sha256(spki[12:]).hexdigest()

def pem_key(data):   # section 5.2: one PEM "PUBLIC KEY" block; returns {keyid: (SPKI, no trust entry)}
    parts = data.decode("ascii", "replace").split("-----")
    rule(len(parts) == 5 and parts[1] == "BEGIN PUBLIC KEY" and parts[3] == "END PUBLIC KEY",
         "KEY_MALFORMED", "public-key.pem is not one PUBLIC KEY block")
    spki = b64("".join(parts[2].split()), "public-key.pem", "KEY_MALFORMED")
    return {spki_keyid(spki, "public-key.pem", "KEY_MALFORMED"): (spki, None)}

def trust_key(k, at, taken):   # the rules of section 5.7 for one key entry; returns its SPKI
    bad = "TRUST_ROOT_INVALID"
    spki = b64(k["publicKey"], at, bad)
    rule(spki_keyid(spki, at, bad) == k["keyid"] and k["keyid"] not in taken, bad, at + " is not its key's SHA-256, or listed before")
    rule("validUntil" not in k or instant(k["validFrom"]) < instant(k["validUntil"]), bad, at + ": validUntil not after validFrom")
    rule(("revokedAt" in k) == ("revocationReason" in k), bad, at + ": revokedAt without revocationReason, or the reverse")
    rule("revocationLogIndex" not in k or "revokedAt" in k, bad, at + ": revocationLogIndex without revokedAt")
    return spki

def trust_root(data, what):   # sections 5.7 and 5.9; returns {keyid: (SPKI, the key's entry)} and the root
    root, keys, bad = loads(data, what), {}, "TRUST_ROOT_INVALID"
    rule(isinstance(root, dict) and root.get("type") == "shredproof.trust-root", bad, what + " is not a trust root")
    rule(root.get("version") == 1, "VERSION_UNSUPPORTED", what + " has version " + json.dumps(root.get("version")))
    shape(root, TRUST, what, bad)
    rule(root["certificateKeys"], bad, what + " lists no key")
    for k in root["certificateKeys"]:
        keys[k["keyid"]] = (trust_key(k, what + ": key " + k["keyid"], keys), k)
    taken = set(keys)   # a key approves for one person, and never signs certificates: no key id twice in the root
    for k in root.get("approvalKeys", []):
        trust_key(k, what + ": approval key " + k["keyid"], taken)
        taken.add(k["keyid"])
        rule(k["roles"] and len(set(k["roles"])) == len(k["roles"]), bad, what + ": approval key " + k["keyid"] + ": no role, or one twice")
    log = root.get("log") or {"keys": [None]}   # 12.7; each witness once: one name, one key (its cosignature does not sign the name)
    witnesses = [verifier_key(w, NOTE_COSIGNATURE) for w in log.get("witnesses", [])]
    rule(log["keys"] and len({w[0] for w in witnesses}) == len({w[2] for w in witnesses}) == len(witnesses) >= log.get("witnessQuorum", 0),
         bad, what + ": log: no key, a witness twice, or a quorum above the witnesses")
    return keys, root

def person_key(name):   # section 5.9: names that differ only in compatibility forms, case or punctuation are one person
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).replace("\u1e9e", "ss").upper().lower())
    return "".join(c for c in folded if unicodedata.category(c)[0] not in "PZS" and unicodedata.category(c) not in ("Cc", "Cf"))

APPROVAL_TYPE = "application/vnd.shredproof.approval.v1+json"

def openssl_verifies(spki, message, sig):   # what the caller of this script does for the certificate, done here:
    # the same command, so the same Ed25519 (OpenSSL 3: cofactorless, small-order keys not refused; see
    # test/independent/ed25519-openssl.test.ts). A failure other than a signature's is no verdict.
    with tempfile.TemporaryDirectory() as tmp:
        files = [os.path.join(tmp, name) for name in ("key.pem", "message.bin", "signature.bin")]
        for path, data in zip(files, (pem_text(spki).encode(), message, sig)):
            open(path, "wb").write(data)
        r = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", files[0], "-rawin", "-in", files[1],
                            "-sigfile", files[2]], capture_output=True, text=True)
    rule(r.returncode == 0 or "Signature Verification Failure" in r.stdout, "openssl failed: " + r.stdout + r.stderr)
    return r.returncode == 0 and "Signature Verified Successfully" in r.stdout

def check_approvals(s, root):   # section 5.9, under the trust root in force; returns what was verified, and if required
    keys, o, plan = {k["keyid"]: k for k in root.get("approvalKeys", [])}, s["order"], s["inventory"]
    at, verified = instant(o["approvedAt"]), []
    for n, a in enumerate(s.get("approvals", [])):
        where, bad = "approvals[%d] (%s %s)" % (n, a["role"], a["person"]), "APPROVAL_INVALID"
        rule(a["keyid"] in keys, "APPROVER_UNTRUSTED", where + ": key %s is not among the trust root's approvalKeys" % a["keyid"])
        k = keys[a["keyid"]]
        rule(k["person"] == a["person"], bad, where + ": the key is " + k["person"] + "'s")
        rule(a["role"] in k["roles"], bad, where + ": the key may sign only as " + ", ".join(k["roles"]))
        rule("revokedAt" not in k or at < instant(k["revokedAt"]), bad, where + ": the key was revoked at " + k.get("revokedAt", ""))
        rule(instant(k["validFrom"]) <= at and ("validUntil" not in k or at < instant(k["validUntil"])),
             bad, where + ": order.approvedAt %s is outside the key's validity" % o["approvedAt"])
        # What is signed comes from this statement, never from the approval. The payload holds ASCII strings
        # (role, person, id, hex, time) and integers below 2^53 only: canonical() writes them as RFC 8785
        # does (members sorted, no spaces, UTF-8 with ensure_ascii=False), and refuses any value it could not.
        payload = canonical({"type": "shredproof.approval", "version": 1, "role": a["role"], "person": a["person"],
                             "order": {"id": o["id"], "sha256": o["sha256"]},
                             "inventory": {"treeSize": plan["treeSize"], "rootHash": plan["rootHash"]}, "signedAt": a["signedAt"]})
        rule(openssl_verifies(b64(k["publicKey"], where, bad), pae(APPROVAL_TYPE, payload), unb64(a["signature"])), bad,
             where + ": openssl: the signature does not hold over order %s, its document %s and plan %s (%d objects)"
             % (o["id"], o["sha256"], plan["rootHash"], plan["treeSize"]))
        verified.append("%s %s (key %s)" % (a["role"], a["person"], a["keyid"]))
    required = "approvalsRequiredFrom" in root and at >= instant(root["approvalsRequiredFrom"])
    rule(not required or any(a["role"] == "approver" for a in s.get("approvals", [])), "APPROVAL_MISSING",
         "order approved at %s; the trust root requires an approver's signed approval from %s on"
         % (o["approvedAt"], root.get("approvalsRequiredFrom")))
    return verified, required

DISPOSITION_TYPE = "application/vnd.shredproof.disposition.v1+json"

def check_derived(s, st):   # section 5.10: the statement's own rules for its derived section
    names = [x["name"] for x in s["targets"]]
    own, derived = [n for n in names if not n.startswith("derived:")], [n for n in names if n.startswith("derived:")]
    st("derivedArtifacts" in s or not derived, "targets derived:... without derivedArtifacts")
    shape(s.get("derivedArtifacts", []), [ARTIFACT], "statement.derivedArtifacts", "STATEMENT_INVALID")
    arts = s.get("derivedArtifacts", [])
    listed = [a["name"] for a in arts]
    st(len(set(listed)) == len(listed), "two derived artifacts have one name")
    for i, a in enumerate(arts):
        at, d, line = "derivedArtifacts[%d] (%s)" % (i, a["name"]), a["disposition"], a["lineage"]
        for member, only in (("justification", "retained-with-justification"), ("vendor", "held-by-vendor")):
            st((member in a) == (d == only), "%s: %s is there exactly for %s" % (at, member, only))
        st(("target" in a) if d == "destroyed" else ("target" not in a or d == "retained-with-justification"),
           at + ": target is there for destroyed, and may be for retained-with-justification, for no other disposition")
        t = next((x for x in s["targets"] if "target" in a and x["name"] == a["target"] == "derived:" + a["name"]), None)
        st("target" not in a or t is not None, at + ": target is not derived:<name> of targets[]")
        st(d != "retained-with-justification" or t is None or t["destroyed"]["count"] == 0, at + ": retained whole, but its target destroyed objects")
        st(("signedBy" in a) == (d in ("retained-with-justification", "held-by-vendor")), at + ": signedBy is there exactly for a disposition an approver decided")
        st(len(line) >= 2 and line[0] in own, "%s: lineage must start at one of the order's targets (%s)" % (at, ", ".join(own)))
        st(line[-1] == a["name"] and set(line[1:-1]) <= set(listed) and len(set(line)) == len(line),
           at + ": lineage must run through artifacts of the section to this one, no name twice")
    for n in derived:
        st(any(a.get("target") == n for a in arts), "target %s is no artifact's of derivedArtifacts" % n)

def in_force(k, t):   # section 5.7's window of a key, at time t
    return ("revokedAt" not in k or instant(t) < instant(k["revokedAt"])) and instant(k["validFrom"]) <= instant(t) \
        and ("validUntil" not in k or instant(t) < instant(k["validUntil"]))

def check_dispositions(s, root):   # section 5.10, under the trust root in force, as approvals are (5.9)
    keys, o, verified = {k["keyid"]: k for k in root.get("approvalKeys", [])}, s["order"], []
    for n, a in enumerate(s.get("derivedArtifacts", [])):
        if "signedBy" not in a:
            continue
        b, where, bad = a["signedBy"], "derivedArtifacts[%d] (%s, %s)" % (n, a["name"], a["disposition"]), "APPROVAL_INVALID"
        rule(b["keyid"] in keys, "APPROVER_UNTRUSTED", where + ": key %s is not among the trust root's approvalKeys" % b["keyid"])
        k = keys[b["keyid"]]
        rule(k["person"] == b["person"] and "approver" in k["roles"], bad, where + ": the key is not an approver's key of " + b["person"])
        rule(in_force(k, b["signedAt"]), bad, where + ": the key is not in force at signedAt " + b["signedAt"])
        body = {"type": "shredproof.disposition", "version": 1, "order": {"id": o["id"], "sha256": o["sha256"]},
                "artifact": a["name"], "disposition": a["disposition"], "person": b["person"], "signedAt": b["signedAt"]}
        if "justification" in a:
            body["justification"] = a["justification"]
        if "vendor" in a:
            body["vendor"] = {"certificateSha256": a["vendor"]["certificateSha256"], "trustSha256": a["vendor"]["trustSha256"]}
        rule(openssl_verifies(b64(k["publicKey"], where, bad), pae(DISPOSITION_TYPE, canonical(body)), unb64(b["signature"])),
             bad, where + ": openssl: the signature does not hold over this order, this artifact and this decision")
        verified.append("%s %s by %s (key %s)" % (a["disposition"], a["name"], b["person"], b["keyid"]))
    return verified

def check_vendors(folder, s, depth):   # section 5.10: each held-by-vendor artifact's bundle, bound, then checked as one
    checked = []
    for a in [a for a in s.get("derivedArtifacts", []) if a["disposition"] == "held-by-vendor"]:
        v, at, here = a["vendor"], "vendors/%s/" % a["name"], os.path.join(folder, "vendors", a["name"])
        mismatch = lambda ok, why: rule(ok, "VENDOR_CERTIFICATE_MISMATCH", at + why)
        mismatch(depth < 4, ": vendors nest deeper than four")
        mismatch(os.path.isdir(here), ": missing, but the statement says %s is held by a vendor" % a["name"])
        for name, want in (("certificate.json", v["certificateSha256"]), ("trust.json", v["trustSha256"])):
            path = os.path.join(here, name)
            mismatch(os.path.isfile(path) and hashlib.sha256(open(path, "rb").read()).hexdigest() == want,
                     name + ": missing, or not the file whose SHA-256 the statement names")
        WHERE.append(at)
        with tempfile.TemporaryDirectory() as tmp:
            theirs = bundle(here, *[os.path.join(tmp, f) for f in ("pae", "sig", "key")], "--trust-sha256", v["trustSha256"], depth + 1)
        WHERE.pop()
        mismatch(theirs["keyid"] == v["keyid"], "certificate.json: signed by key %s, not %s" % (theirs["keyid"], v["keyid"]))
        mismatch(theirs["id"] == v["certificateId"], "certificate.json: certificate %s, not %s" % (theirs["id"], v["certificateId"]))
        mismatch(names_order(theirs["reference"], s["order"]["id"]), "certificate.json: order.reference %s does not name order %s"
                 % (json.dumps(theirs["reference"]), s["order"]["id"]))
        say("vendor %s OK: certificate %s signed by key %s, for %s" % (at, v["certificateId"], v["keyid"], json.dumps(theirs["reference"])))
        checked.append(at)
    return checked

# Section 12: the receipt (12.5) proves that the log holds the certificate's entry (12.1) under a checkpoint
# (12.3), a signed note (12.2) of the log's key, cosigned by witnesses (12.4). All of it is attacker controlled.
NOTE_ED25519, NOTE_COSIGNATURE, SPKI_PREFIX = 0x01, 0x04, bytes.fromhex("302a300506032b6570032100")

def std64(text):   # 12.2, 12.5: standard padded base64 and nothing else (not section 1's other forms); None if not
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return data if base64.b64encode(data).decode() == text else None

def key_name(name):   # 12.2 (C2SP signed-note): not empty, no Unicode space, no "+"; and UTF-8, so no lone surrogate
    return name != "" and "+" not in name and not any(c.isspace() or 0xD800 <= ord(c) < 0xE000 for c in name)

def verifier_key(text, kind):   # 12.2: name+hint+base64(type || key), hint = SHA-256(name \n type key)[:4]; (name, hint, key)
    name, _, rest = text.partition("+") if isinstance(text, str) else ("", "", "")
    hint, _, key = rest.partition("+")
    key = std64(key)
    ok = key_name(name) and re.fullmatch("[0-9a-f]{8}", hint) and key is not None and len(key) == 33 and key[0] == kind
    return (name, bytes.fromhex(hint), key[1:]) if ok and hashlib.sha256(name.encode() + b"\n" + key).digest()[:4].hex() == hint else None

def signed_note(data, what):   # 12.2, read strictly; returns the text and {(key name, hint): signature}
    bad = lambda ok, why: rule(ok, "NOTE_MALFORMED", what + ": " + why)
    try:
        note = data.decode("utf-8")
    except UnicodeDecodeError:
        note = "\x00"
    bad(not re.search("[\x00-\x09\x0b-\x1f]", note), "not UTF-8, or a control character other than the newline")
    cut, sigs = note.rfind("\n\n"), {}
    bad(cut >= 0 and note.endswith("\n"), "no blank line before the signature lines, or no newline after them")
    lines = note[cut + 2:-1].split("\n")
    bad(len(lines) <= 100, "%d signature lines, more than 100" % len(lines))
    for line in lines:
        m = re.fullmatch("\u2014 ([^ ]+) ([^ ]+)", line)
        sig = std64(m.group(2)) if m and key_name(m.group(1)) else None
        bad(sig is not None and len(sig) >= 5, "not a signature line: " + json.dumps(line)[:100])
        bad((m.group(1), sig[:4]) not in sigs, "two signatures by the key %s+%s" % (m.group(1), sig[:4].hex()))
        sigs[m.group(1), sig[:4]] = sig[4:]
    return note[:cut + 1], sigs

def checkpoint(text):   # 12.3: origin, tree size, root hash, extension lines; returns the first three
    lines = text[:-1].split("\n")
    root = std64(lines[2]) if len(lines) >= 3 else None
    rule(root is not None and len(root) == 32 and all(lines) and re.fullmatch("0|[1-9][0-9]*", lines[1]) and int(lines[1]) < 2 ** 53,
         "NOTE_MALFORMED", "receipt.tlog-proof: the checkpoint is not origin, size, 32-byte root and non-empty extension lines")
    return lines[0], int(lines[1]), root

def tlog_proof(data):   # 12.5 (C2SP tlog-proof): returns the index, the hashes and the checkpoint
    cut = data.find(b"\n\n")
    bad = lambda ok, why: rule(ok, "NOTE_MALFORMED", "receipt.tlog-proof: " + why)
    try:
        head = data[:cut].decode("ascii").split("\n") if cut > 0 else [""]
    except UnicodeDecodeError:
        head = [""]
    bad(head[0] == "c2sp.org/tlog-proof@v1", "not c2sp.org/tlog-proof@v1, or no blank line before the checkpoint")
    if head[1:] and head[1].startswith("extra "):   # not authenticated: read, and ignored
        bad(std64(head.pop(1)[6:]), "extra is not standard padded base64")
    m = re.fullmatch("index (0|[1-9][0-9]*)", head[1]) if head[1:] else None
    bad(m and int(m.group(1)) < 2 ** 53, "no index line, or an index with a leading zero")
    hashes = [std64(h) for h in head[2:]]
    bad(len(hashes) <= 63 and all(h is not None and len(h) == 32 for h in hashes), "a hash not 32 bytes of standard padded base64, or over 63")
    bad(data[cut + 2:], "no checkpoint")
    return int(m.group(1)), hashes, data[cut + 2:]

def inclusion_root(index, size, leaf, path):   # RFC 9162 section 2.1.3.2; None when the path cannot prove index in size
    fn, sn, r = index, size - 1, leaf
    if index >= size:
        return None
    for p in path:
        if sn == 0:
            return None
        if fn % 2 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            while fn % 2 == 0 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None

def check_receipt(folder, s, payload, log, entry):   # section 12.8, under the trust root in force; returns what it proved
    path = os.path.join(folder, "receipt.tlog-proof")
    if not os.path.isfile(path):                                                       # step 1
        rule("receiptsRequiredFrom" not in log or instant(s["issuedAt"]) < instant(log["receiptsRequiredFrom"]), "RECEIPT_MISSING",
             "no receipt.tlog-proof; the trust root requires one for a certificate issued from %s on" % log.get("receiptsRequiredFrom"))
        return "receipt NOT checked: there is none, and the trust root requires none for a certificate issued at " + s["issuedAt"]
    index, hashes, note = tlog_proof(open(path, "rb").read())                          # step 2
    text, sigs = signed_note(note, "receipt.tlog-proof: the checkpoint")
    origin, size, root = checkpoint(text)

    def signers(keys, kind):   # the known keys that signed (12.2); a signature of one that openssl does not verify fails
        found = []
        for name, hint, key in dict.fromkeys(verifier_key(k, kind) for k in keys):   # a log key listed twice counts once
            sig, t = sigs.get((name, hint)), None
            if sig is None:
                continue
            if kind == NOTE_COSIGNATURE:   # 12.4: an 8-byte time, not 0 (C2SP: at most 2^63-1), signed with the text
                t, sig = int.from_bytes(sig[:8], "big"), sig[8:] if len(sig) == 72 else b""
            message = text.encode() if t is None else b"cosignature/v1\ntime %d\n" % t + text.encode()
            rule(len(sig) == 64 and t != 0 and (t or 0) < 2 ** 63 and openssl_verifies(SPKI_PREFIX + key, message, sig),
                 "NOTE_SIGNATURE_INVALID", "receipt.tlog-proof: openssl: the %s of %s+%s does not hold"
                 % ("signature" if t is None else "cosignature", name, hint.hex()))
            found.append(name + "+" + hint.hex() if t is None else "%s at %d" % (name, t))
        return found
    signed = signers(log["keys"], NOTE_ED25519)
    rule(signed, "NOTE_UNVERIFIED", "receipt.tlog-proof: no key of the trust root's log signed the checkpoint")
    rule(origin == log["origin"], "NOTE_UNVERIFIED",
         "receipt.tlog-proof: a checkpoint of %s, not of the log %s" % (json.dumps(origin), json.dumps(log["origin"])))
    cosigned, quorum = signers(log.get("witnesses", []), NOTE_COSIGNATURE), log.get("witnessQuorum", 0)   # step 3
    rule(len(cosigned) >= quorum, "COSIGNATURE_MISSING",
         "receipt.tlog-proof: %d of the trust root's witnesses cosigned, %d must" % (len(cosigned), quorum))
    event = {"type": "certificate", "certificateId": s["certificateId"], "orderId": s["order"]["id"], "issuedAt": s["issuedAt"],
             "keyid": s["issuer"]["keyid"], "statementSha256": hashlib.sha256(payload).hexdigest()}   # step 4, the entry of 12.1
    leaf = leaf_hash(b"shredproof.log-entry.v1\n" + canonical(event))
    rule(inclusion_root(index, size, leaf, hashes) == root, "RECEIPT_MISMATCH",
         "receipt.tlog-proof: the certificate's entry at index %d and %d hashes do not lead to the root of size %d" % (index, len(hashes), size))
    rule("revocationLogIndex" not in entry or index <= entry["revocationLogIndex"], "KEY_REVOKED",   # step 5
         "receipt.tlog-proof: logged at index %d, after key %s was revoked at index %s"
         % (index, s["issuer"]["keyid"], entry.get("revocationLogIndex")))
    return "receipt OK: entry %d of %d in the log %s (root %s), signed by %s, cosigned by %s (%d required); openssl verified each" \
        % (index, size, origin, root.hex(), ", ".join(signed), ", ".join(cosigned) or "no witness", quorum)

def read_list(data, name, head, targets):   # sections 3 and 5.5, and step 5 of section 8
    lines, entries, where = data.split(b"\n"), [], name + ".ndjson"
    rule(lines.pop() == b"", "RECORD_INVALID", where + ": the last line does not end in \\n")
    for i, line in enumerate(lines):
        at = "%s line %d" % (where, i)
        rule(len(line) <= 65536, "RECORD_TOO_LONG", at + " is longer than 65,536 bytes")
        entry = loads(line, at)
        shape(entry, ENTRIES[name], at, "RECORD_INVALID", exact=name != "records")
        rule(canonical(entry) == line, "RECORD_NOT_CANONICAL", at + " is not in RFC 8785 form")
        rule(entry["index"] == i, "RECORD_INDEX_WRONG", "%s has index %d" % (at, entry["index"]))
        rule(entry["target"] in targets, "RECORD_INVALID", at + " names a target the statement does not list")
        rule(name != "records" or entry["method"] in targets[entry["target"]]["methods"], "RECORD_INVALID", at + ": method")
        rule(("sha256" in entry) == ("size" in entry), "RECORD_INVALID", at + " has sha256 without size, or the reverse")
        entries.append(entry)
    rule(len(lines) == head["treeSize"], "RECORD_COUNT_MISMATCH",
         "%s has %d lines, the statement says %d" % (where, len(lines), head["treeSize"]))
    root = mth([leaf_hash(line) for line in lines]).hex()
    rule(root == head["rootHash"], "MERKLE_ROOT_MISMATCH", "%s: root %s, the statement's %s" % (where, root, head["rootHash"]))
    rule(hashlib.sha256(data).hexdigest() == head["sha256"], "RECORDS_DIGEST_MISMATCH", where + ": not the statement's SHA-256")
    return entries

def bundle(folder, out_pae, out_sig, out_key, pin="", pinned="", depth=0):
    read = lambda name: open(os.path.join(folder, name), "rb").read()
    have = lambda name: os.path.isfile(os.path.join(folder, name))
    envelope = loads(read("certificate.json"), "certificate.json")                     # steps 1 and 2
    shape(envelope, ENVELOPE, "certificate.json", "ENVELOPE_MALFORMED")
    rule(envelope["signatures"], "SIGNATURE_MISSING", "certificate.json has no signature")
    pt = envelope["payloadType"]
    rule(pt in (PAYLOAD_TYPE, PAYLOAD_TYPE_V2), "PAYLOAD_TYPE_WRONG", json.dumps(pt))
    payload = b64(envelope["payload"], "payload", "BASE64_INVALID")

    # Step 3 and section 5.8: the keys of --trust FILE, else of the bundle's trust.json, else of its public-key.pem.
    own, own_root = trust_root(read("trust.json"), "trust.json") if have("trust.json") else ({}, None)
    pem = pem_key(read("public-key.pem")) if have("public-key.pem") else {}
    keys, root = trust_root(open(pinned, "rb").read(), pinned) if pin == "--trust" else (own or pem, own_root)
    rule(pin != "--trust-sha256" or own and hashlib.sha256(read("trust.json")).hexdigest() == pinned,
         "PIN_MISMATCH", "trust.json does not have the pinned SHA-256")
    keys = {k: v for k, v in keys.items() if pin != "--keyid" or k == pinned}
    signed = [x for x in envelope["signatures"] if x["keyid"] in keys]
    rule(signed, "PIN_MISMATCH" if pin else "KEY_UNTRUSTED", "no signature names a %s key" % ("pinned" if pin else "trusted"))
    rule(len(signed) == 1, "SIGNATURE_INVALID", "several signatures name trusted keys; this script gives openssl one")
    keyid = signed[0]["keyid"]
    spki, entry = keys[keyid]
    rule(pin != "--trust" or not own or own.get(keyid, [None])[0] == spki,
         "PIN_MISMATCH", "trust.json does not list the signing key as the pinned trust root does")
    rule(not pem or keyid in pem, "KEY_UNTRUSTED", "public-key.pem is not the signing key " + keyid)
    open(out_pae, "wb").write(pae(pt, payload))
    open(out_sig, "wb").write(b64(signed[0]["sig"], "the signature", "BASE64_INVALID"))
    open(out_key, "w").write(pem_text(spki))
    # A vendor's signature is checked here; so is ours when a log is to date it: section 12.8 comes after the signature.
    rule(not (depth or root and "log" in root) or openssl_verifies(spki, pae(pt, payload), b64(signed[0]["sig"], "the signature", "BASE64_INVALID")),
         "SIGNATURE_INVALID", "certificate.json: openssl: the signature does not hold")

    s = loads(payload, "the statement")                                                # step 4, section 5.4
    rule(isinstance(s, dict) and s.get("type") == "shredproof.certificate", "STATEMENT_INVALID", "the statement's type")
    rule(s.get("version") != 1 or pt != PAYLOAD_TYPE, "a version 1 certificate: check it with the version 1 usage, without --bundle")
    rule(s.get("version") == (2 if pt == PAYLOAD_TYPE_V2 else 1),
         "VERSION_UNSUPPORTED", "statement version %s under %s" % (json.dumps(s.get("version")), pt))
    shape(s, STATEMENT, "statement", "STATEMENT_INVALID")
    c, o, e, t, rescan = s["completeness"], s["order"], s["execution"], s["targets"], s["rescan"]
    st = lambda ok, why: rule(ok, "STATEMENT_INVALID", why)
    st(c["planned"] == c["destroyed"] + c["retained"] + c["exceptions"], "completeness.planned is not the sum of the others")
    st(s["merkle"]["treeSize"] == c["destroyed"] and s["inventory"]["treeSize"] == c["planned"], "merkle or inventory treeSize")
    st([sum(x["planned"] for x in t), sum(x["destroyed"]["count"] for x in t), sum(x["retained"] for x in t),
        sum(x["exceptions"] for x in t)] == [c[k] for k in COUNTS], "the targets do not add up to completeness")
    st(sum(x["destroyed"]["bytes"] for x in t) == s["records"]["bytes"], "destroyed.bytes do not add up to records.bytes")
    st(s["retained"]["treeSize"] == c["retained"] and s["exceptions"]["treeSize"] == c["exceptions"], "a list's treeSize")
    st(rescan["items"]["treeSize"] == rescan["remaining"] == sum(rescan["statuses"][k] for k in STATUSES), "rescan counts")
    st(all(h["treeSize"] or h["rootHash"] == h["sha256"] == EMPTY for h in (s["retained"], s["exceptions"], rescan["items"])),
       "an empty list's head without the hashes of nothing")
    st(("deadline" in o) == ("withinDeadline" in e), "order.deadline and execution.withinDeadline: one without the other")
    st("deadline" not in o or e["withinDeadline"] == (instant(e["finishedAt"]) <= instant(o["deadline"])), "execution.withinDeadline")
    st(len({x["name"] for x in t}) == len(t), "two targets have one name")
    st(o["approvedBy"] != o["createdBy"], "created and approved by the same person")
    roles = [a["role"] for a in s.get("approvals", [])]   # section 5.9: one approver, and a performer or none
    st("approvals" not in s or roles.count("approver") == 1 and roles.count("performer") <= 1,
       "approvals: %d approvers and %d performers" % (roles.count("approver"), roles.count("performer")))
    for n, a in enumerate(s.get("approvals", [])):
        st(a["person"] == o["approvedBy" if a["role"] == "approver" else "createdBy"], "approvals[%d]: not the order's person" % n)
        st(a["role"] != "approver" or person_key(a["person"]) != person_key(o["createdBy"]),
           "approvals[%d]: %s created the order and cannot approve it" % (n, a["person"]))
    check_derived(s, st)
    st(s["status"] == ("complete-with-exceptions" if c["exceptions"] else "complete"), "status")
    st(s["issuer"]["keyid"] == keyid, "issuer.keyid is not the signing key's")
    rule(canonical(s) == payload, "STATEMENT_NOT_CANONICAL", "the payload is not the statement's RFC 8785 form")

    targets, checked = {x["name"]: x for x in t}, ["certificate.json"]                 # steps 5 and 7
    heads = {"records": dict(s["merkle"], sha256=s["records"]["sha256"]), "retained": s["retained"],
             "exceptions": s["exceptions"], "rescan": rescan["items"]}
    for name, head in heads.items():
        if have(name + ".ndjson"):
            entries = read_list(read(name + ".ndjson"), name, head, targets)
            of = lambda x: [y for y in entries if y["target"] == x["name"]]
            if name == "rescan":
                want = [(k, rescan["statuses"][k], sum(y["status"] == k for y in entries)) for k in STATUSES]
            elif name == "records":
                want = [(x["name"], [x["destroyed"]["count"], x["destroyed"]["bytes"]],
                         [len(of(x)), sum(y["size"] for y in of(x))]) for x in t]
            else:
                want = [(x["name"], x[name], len(of(x))) for x in t]
            for what, said, found in want:
                rule(said == found, "RECORD_COUNT_MISMATCH",
                     "%s.ndjson: %s for %s, the statement says %s" % (name, found, json.dumps(what), said))
            checked.append("%s.ndjson (%d)" % (name, len(entries)))

    if have("order.json"):                                                             # step 8, section 5.6
        data = read("order.json")
        rule(hashlib.sha256(data).hexdigest() == o["sha256"], "ORDER_MISMATCH", "the SHA-256 of order.json is not order.sha256")
        doc = loads(data, "order.json")
        rule(isinstance(doc, dict) and doc.get("reference") == o["reference"], "ORDER_MISMATCH", "order.json has another reference")
        rule(("deadline" in doc) == ("deadline" in o) and ("deadline" not in o or time(doc["deadline"])
             and instant(doc["deadline"]) == instant(o["deadline"])), "ORDER_MISMATCH", "order.json has another deadline")
        checked.append("order.json")
    if entry:                                                                          # step 9, section 5.7
        at = instant(s["issuedAt"])
        rule("revokedAt" not in entry or at < instant(entry["revokedAt"]),
             "KEY_REVOKED", "key %s was revoked at %s" % (keyid, entry.get("revokedAt")))
        rule(instant(entry["validFrom"]) <= at and ("validUntil" not in entry or at < instant(entry["validUntil"])),
             "KEY_OUTSIDE_VALIDITY", "issuedAt %s is outside the validity of key %s" % (s["issuedAt"], keyid))
    approved, required = check_approvals(s, root) if entry else ([], False)            # section 5.9, with a trust root
    decided = check_dispositions(s, root) if entry else []                             # section 5.10
    checked += ["trust.json"] * bool(own) + ["public-key.pem"] * bool(pem)
    proofs = os.path.join(folder, "proofs")
    for name in sorted(os.listdir(proofs)) if os.path.isdir(proofs) else []:           # section 10; check_proof.py does the rest
        if not name.endswith(".json"):
            continue
        proof = loads(read("proofs/" + name), "proofs/" + name)
        rule(isinstance(proof, dict) and proof.get("certificate") == envelope,
             "PROOF_CERTIFICATE_MISMATCH", "proofs/%s carries another certificate" % name)
        checked.append("proofs/" + name)
    checked += check_vendors(folder, s, depth)                                         # step 11, section 5.10
    logged = check_receipt(folder, s, payload, root["log"], entry) if root and "log" in root else \
        "receipt NOT checked: no trust root names a log" if have("receipt.tlog-proof") else None   # step 12, section 12.8
    checked += ["receipt.tlog-proof"] * (logged or "").startswith("receipt OK")
    say("bundle OK: " + ", ".join(checked))
    if logged:
        say(logged)
    if approved or required:
        say("approvals OK, %s by the trust root, openssl verified each: %s"
            % ("required" if required else "not required", ", ".join(approved)))
    elif s.get("approvals"):
        say("approvals NOT checked: no trust root lists the approvers' keys")
    if decided:
        say("dispositions OK, openssl verified each: " + ", ".join(decided))
    elif any("signedBy" in a for a in s.get("derivedArtifacts", [])):
        say("dispositions NOT checked: no trust root lists the approvers' keys")
    how = {"--keyid": "by its key id", "--trust-sha256": "by the SHA-256 of trust.json",
           "--trust": "by the trust root " + json.dumps(pinned)}
    say("key %s: %s; %s" % (keyid, "pinned " + how[pin] if pin else
        "NOT pinned, it comes from the bundle: compare it with the key id published in the settlement or docket",
        "openssl verified the signature" if depth else "openssl must verify the signature with " + out_key))
    return {"keyid": keyid, "id": s["certificateId"], "reference": o["reference"]}

if sys.argv[1:2] == ["--bundle"] and len(sys.argv) in (6, 8) and sys.argv[6:7] in ([], ["--keyid"], ["--trust-sha256"], ["--trust"]):
    bundle(*sys.argv[2:])
elif len(sys.argv) >= 6 and sys.argv[1] != "--bundle":
    version1(*sys.argv[1:6])
else:
    sys.exit(__doc__)
