#!/usr/bin/python3
"""PyKCS11 (a client the project did not write) against safeid-pkcs11.so.

Run inside tests/harness/safeid-harness; the first argument names the
scenario.  Every check compares a real outcome: exact CKR_* codes, what the
emulated token holds (safeid-emu), codes checked by oathtool, and the
emulator's APDU log (no write APDU after a refused request).
"""
import calendar
import ctypes
import json
import os
import struct
import subprocess
import sys
import time

import PyKCS11
from PyKCS11 import LowLevel as LL

BASE = LL.CKA_VENDOR_DEFINED | 0x5AF10000
CKA_SAFEID_HASH = BASE + 1
CKA_SAFEID_DISPLAY_TIMEOUT = BASE + 2
CKA_SAFEID_MODEL = BASE + 3
CKA_SAFEID_RESTRICTED_SYNC = BASE + 4
CKA_SAFEID_ERASE_SEED = BASE + 5
CKA_SAFEID_BURN_CLOCK = BASE + 6
CKA_SAFEID_SEED_STATE = BASE + 7
SEED_OLD, SEED_ERASED, SEED_NEW, SEED_UNKNOWN = 0, 1, 2, 3
CKR_DATA_INVALID = 0x20
CKO_OTP_KEY = 8
CKK_HOTP = 0x23
CKA_OTP_FORMAT, CKA_OTP_LENGTH, CKA_OTP_TIME_INTERVAL = 0x220, 0x221, 0x222

SEED20 = b"12345678901234567890"
SEED32 = bytes(range(32))
FAILS = []


def ulong(v):
    return struct.pack("@L", v)


def bbool(v):
    return b"\x01" if v else b"\x00"


def unulong(b):
    return struct.unpack("@L", bytes(b))[0]


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)


def env(name, i):
    return os.environ["%s_%d" % (name, i)]


def load():
    lib = PyKCS11.PyKCS11Lib()
    lib.load(os.path.join(os.environ["SAFEID_LIB"], "safeid-pkcs11.so"))
    return lib


def slot_of(lib, i):
    """The slot of harness reader i (by its PC/SC name)."""
    want = env("SAFEID_READER", i)
    for s in lib.getSlotList():
        if lib.getSlotInfo(s).slotDescription.strip() == want:
            return s
    raise SystemExit("no slot for reader %r" % want)


def rw_session(lib, slot):
    return lib.openSession(slot, PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)


def rv_of(fn, *args):
    try:
        fn(*args)
        return LL.CKR_OK
    except PyKCS11.PyKCS11Error as e:
        return e.value


def emu(i, *args):
    p = subprocess.run(["safeid-emu", args[0], "--state", env("SAFEID_EMU_STATE", i)]
                       + list(args[1:]), capture_output=True, text=True)
    return p.returncode, p.stdout


def emu_code(i):
    rc, out = emu(i, "code", "--json")
    return rc, json.loads(out) if out.strip() else {}


def oathtool(seed, t, sha256, step):
    cmd = [os.environ.get("OATHTOOL") or "oathtool", "--totp" + ("=SHA256" if sha256 else ""),
           "-d", "6", "--time-step-size=%ds" % step, "-N", "@%d" % t, seed.hex()]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()


def verify_code(i, seed, sha256, step, what):
    rc, j = emu_code(i)
    ok = rc == 0 and j.get("code") == oathtool(seed, j["token_time"], sha256, step)
    check(ok, "%s: token code %s equals oathtool" % (what, j.get("code")))


def writes(i):
    """Write APDUs (config 84 D4, seed 84 C5) in the emulator's log."""
    with open(env("SAFEID_EMU_LOG", i)) as f:
        return [l for l in f if l.startswith("84 D4") or l.startswith("84 C5")]


def seed_obj(s):
    objs = s.findObjects([(LL.CKA_CLASS, CKO_OTP_KEY)])
    return objs[0]


def clock_obj(s):
    return s.findObjects([(LL.CKA_CLASS, LL.CKO_HW_FEATURE),
                          (LL.CKA_HW_FEATURE_TYPE, LL.CKH_CLOCK)])[0]


def attr(s, obj, t):
    return s.getAttributeValue(obj, [t], allAsBinary=True)[0]


def otp_template(seed, sha256=False, step=30, extra=()):
    t = [(LL.CKA_CLASS, CKO_OTP_KEY), (LL.CKA_KEY_TYPE, CKK_HOTP),
         (LL.CKA_VALUE, seed), (CKA_OTP_TIME_INTERVAL, ulong(step)),
         (CKA_SAFEID_HASH, ulong(LL.CKM_SHA256 if sha256 else LL.CKM_SHA_1)),
         (CKA_SAFEID_DISPLAY_TIMEOUT, ulong(60))]
    return t + list(extra)


def clock_template(text, config=False, consent=None):
    t = [(LL.CKA_VALUE, text.encode())]
    if config:
        t += [(CKA_OTP_TIME_INTERVAL, ulong(30)), (CKA_SAFEID_HASH, ulong(LL.CKM_SHA_1)),
              (CKA_SAFEID_DISPLAY_TIMEOUT, ulong(30))]
    if consent is not None:
        t.append((CKA_SAFEID_ERASE_SEED, bbool(consent)))
    return t


def scenario_burn_sha256(lib):
    """Token 0 (unrestricted): CKO_OTP_KEY SHA-256 60 s, then clock syncs."""
    s = rw_session(lib, slot_of(lib, 0))
    h = s.createObject(otp_template(SEED32, sha256=True, step=60))
    check(h is not None, "C_CreateObject CKO_OTP_KEY SHA-256 60 s returned a handle")
    verify_code(0, SEED32, True, 60, "after burn")
    o = seed_obj(s)
    check(unulong(attr(s, o, CKA_SAFEID_SEED_STATE)) == SEED_NEW, "seed state NEW")
    check(unulong(attr(s, o, CKA_SAFEID_HASH)) == LL.CKM_SHA256, "hash reads CKM_SHA256")
    check(unulong(attr(s, o, CKA_OTP_TIME_INTERVAL)) == 60, "interval reads 60")
    check(unulong(attr(s, o, CKA_OTP_LENGTH)) == 6, "length reads 6")
    check(bytes(attr(s, o, CKA_SAFEID_MODEL)) == b"OTPC-P1-i", "model OTPC-P1-i")
    check(bytes(attr(s, o, CKA_SAFEID_RESTRICTED_SYNC)) == b"\x00", "not restricted")
    check(s.getAttributeValue(o, [LL.CKA_VALUE])[0] is None, "CKA_VALUE unreadable")
    valtmpl = LL.ckattrlist(1)
    valtmpl[0].SetType(LL.CKA_VALUE)
    check(lib.lib.C_GetAttributeValue(s.session, o, valtmpl) == LL.CKR_ATTRIBUTE_SENSITIVE,
          "C_GetAttributeValue(CKA_VALUE) = CKR_ATTRIBUTE_SENSITIVE")
    # Clock sync with the configuration known from the burn: the token is
    # unrestricted, so it keeps the seed; its clock moves to the given time.
    c = clock_obj(s)
    before = len(writes(0))
    rv = rv_of(s.setAttributeValue, c, clock_template("2030010100000000"))
    check(rv == LL.CKR_OK, "clock set, config known from the burn: rv=%s" % PyKCS11.CKR.get(rv, rv))
    check(len(writes(0)) == before + 1, "exactly one config write sent")
    text = bytes(attr(s, c, LL.CKA_VALUE)).decode()
    check(text.startswith("20300101000"), "clock object reads %s" % text)
    ti = lib.getTokenInfo(slot_of(lib, 0))
    check(ti.utcTime.startswith("20300101000"), "token info utcTime %s" % ti.utcTime)
    rc, j = emu_code(0)
    check(abs(j.get("token_time", 0) - 1893456000) < 60, "emulator clock is 2030-01-01")
    verify_code(0, SEED32, True, 60, "after clock sync (seed kept, same config)")
    check(unulong(attr(s, o, CKA_SAFEID_SEED_STATE)) == SEED_NEW, "seed state still NEW")


def scenario_clock(lib):
    """Token 0 restricted (8659622...), token 1 unrestricted, no burn here."""
    r = rw_session(lib, slot_of(lib, 0))
    u = rw_session(lib, slot_of(lib, 1))
    now = "2027060112000000"
    rc, j = emu_code(0)
    check(rc == 3, "restricted token starts without seed (code exit %d)" % rc)
    # Give the restricted token a seed first, through the module.
    r.createObject(otp_template(SEED20))
    verify_code(0, SEED20, False, 30, "restricted token burned")
    c = clock_obj(r)
    n0 = len(writes(0))
    rv = rv_of(r.setAttributeValue, c, clock_template(now))
    check(rv == LL.CKR_FUNCTION_REJECTED, "restricted, no consent: CKR_FUNCTION_REJECTED")
    rv = rv_of(r.setAttributeValue, c, clock_template(now, config=True))
    check(rv == LL.CKR_FUNCTION_REJECTED, "restricted, config but no consent: CKR_FUNCTION_REJECTED")
    rv = rv_of(r.setAttributeValue, c, clock_template(now, config=True, consent=False))
    check(rv == LL.CKR_FUNCTION_REJECTED, "restricted, consent FALSE: CKR_FUNCTION_REJECTED")
    check(len(writes(0)) == n0, "no write APDU after the refusals")
    verify_code(0, SEED20, False, 30, "seed intact after refusals")
    rv = rv_of(r.setAttributeValue, c, clock_template(now, consent=True))
    check(rv == LL.CKR_OK, "restricted, consent, config known from burn: CKR_OK")
    rc, j = emu_code(0)
    check(rc == 3 and j.get("has_seed") is False, "restricted token lost its seed, as consented")
    check(unulong(attr(r, seed_obj(r), CKA_SAFEID_SEED_STATE)) == SEED_ERASED, "seed state ERASED")
    # Unrestricted token, never burned by this process: config unknown.
    c1 = clock_obj(u)
    n1 = len(writes(1))
    rv = rv_of(u.setAttributeValue, c1, clock_template(now))
    check(rv == LL.CKR_FUNCTION_REJECTED, "config unknown: CKR_FUNCTION_REJECTED, never guessed")
    check(len(writes(1)) == n1, "no write APDU for the unknown config")
    rv = rv_of(u.setAttributeValue, c1, clock_template("2027130112000000", config=True))
    check(rv == LL.CKR_ATTRIBUTE_VALUE_INVALID, "month 13: CKR_ATTRIBUTE_VALUE_INVALID")
    rv = rv_of(u.setAttributeValue, c1, clock_template(now, config=True))
    check(rv == LL.CKR_OK, "unrestricted, config in template: CKR_OK")
    rc, j = emu_code(1)
    check(abs(j.get("token_time", 0) - 1811851200) < 60, "unrestricted clock is 2027-06-01 12:00")
    ro = lib.openSession(slot_of(lib, 1))
    rv = rv_of(ro.setAttributeValue, clock_obj(ro), clock_template(now, config=True))
    check(rv == LL.CKR_SESSION_READ_ONLY, "read-only session: CKR_SESSION_READ_ONLY")


def scenario_negative(lib):
    """Bad templates: exact CKR_*, and nothing written to the token."""
    s = rw_session(lib, slot_of(lib, 0))
    cases = [
        ("no CKA_VALUE", [(LL.CKA_CLASS, CKO_OTP_KEY)], LL.CKR_TEMPLATE_INCOMPLETE),
        ("64-byte seed", otp_template(bytes(64)), LL.CKR_ATTRIBUTE_VALUE_INVALID),
        ("empty seed", otp_template(b""), LL.CKR_ATTRIBUTE_VALUE_INVALID),
        ("45 s interval", otp_template(SEED20, step=45), LL.CKR_ATTRIBUTE_VALUE_INVALID),
        ("SHA-512", otp_template(SEED20)[:4] + [(CKA_SAFEID_HASH, ulong(LL.CKM_SHA512))],
         LL.CKR_ATTRIBUTE_VALUE_INVALID),
        ("unknown attribute", otp_template(SEED20, extra=[(BASE + 0x99, ulong(1))]),
         LL.CKR_ATTRIBUTE_TYPE_INVALID),
        ("8 digits", otp_template(SEED20, extra=[(CKA_OTP_LENGTH, ulong(8))]),
         LL.CKR_ATTRIBUTE_VALUE_INVALID),
        ("AES key type on CKO_OTP_KEY",
         [(LL.CKA_CLASS, CKO_OTP_KEY), (LL.CKA_KEY_TYPE, LL.CKK_AES), (LL.CKA_VALUE, SEED20)],
         LL.CKR_TEMPLATE_INCONSISTENT),
        ("session object", otp_template(SEED20, extra=[(LL.CKA_TOKEN, False)]),
         LL.CKR_TEMPLATE_INCONSISTENT),
        ("extractable", otp_template(SEED20, extra=[(LL.CKA_EXTRACTABLE, True)]),
         LL.CKR_TEMPLATE_INCONSISTENT),
    ]
    for what, tmpl, want in cases:
        rv = rv_of(s.createObject, tmpl)
        check(rv == want, "%s: %s (want %s)" % (what, PyKCS11.CKR.get(rv, rv), PyKCS11.CKR[want]))
    ro = lib.openSession(slot_of(lib, 0))
    rv = rv_of(ro.createObject, otp_template(SEED20))
    check(rv == LL.CKR_SESSION_READ_ONLY, "burn in a read-only session: CKR_SESSION_READ_ONLY")
    check(writes(0) == [], "the emulator log shows no 84 D4 / 84 C5 APDU")
    rc, j = emu_code(0)
    check(rc == 3, "the token still has no seed")
    sessions_and_finding(lib, s, ro)


def sessions_and_finding(lib, s, ro):
    """Session info, object search by template, login no-op, mechanisms."""
    slot = slot_of(lib, 0)
    si = s.getSessionInfo()
    check(si.state == LL.CKS_RW_PUBLIC_SESSION and si.slotID == slot, "RW session info")
    check(ro.getSessionInfo().state == LL.CKS_RO_PUBLIC_SESSION, "RO session info")
    by = {
        "class HW_FEATURE": [(LL.CKA_CLASS, LL.CKO_HW_FEATURE)],
        "feature CLOCK": [(LL.CKA_HW_FEATURE_TYPE, LL.CKH_CLOCK)],
        "class OTP_KEY": [(LL.CKA_CLASS, CKO_OTP_KEY)],
        "key type HOTP": [(LL.CKA_KEY_TYPE, CKK_HOTP)],
        "label totp": [(LL.CKA_LABEL, "totp")],
        "label clock": [(LL.CKA_LABEL, "clock")],
    }
    found = {k: [h.value() for h in s.findObjects(t)] for k, t in by.items()}
    check(len(s.findObjects()) == 2, "two objects in all")
    check(found["class HW_FEATURE"] == found["feature CLOCK"] == found["label clock"]
          and len(found["label clock"]) == 1, "the clock found by class, feature and label")
    check(found["class OTP_KEY"] == found["key type HOTP"] == found["label totp"]
          and len(found["label totp"]) == 1, "the seed slot found by class, type and label")
    check(s.findObjects([(LL.CKA_LABEL, "nothing")]) == [], "no object for another label")
    check(s.findObjects([(LL.CKA_CLASS, LL.CKO_SECRET_KEY)]) == [], "no secret key object")
    check(rv_of(s.login, "") == LL.CKR_OK, "C_Login is a no-op (no PIN)")
    check(rv_of(s.logout) == LL.CKR_OK, "C_Logout is a no-op")
    check(lib.getMechanismList(slot) == [], "no mechanisms")
    check(rv_of(s.destroyObject, s.findObjects(by["label totp"])[0]) == 0x1B,  # CKR_ACTION_PROHIBITED (v2.40)
          "C_DestroyObject: CKR_ACTION_PROHIBITED")
    lib.closeAllSessions(slot)
    check(rv_of(s.getSessionInfo) == LL.CKR_SESSION_HANDLE_INVALID,
          "after C_CloseAllSessions the handle is invalid")


def pcsc_wait(i, cond, ms):
    return subprocess.run(["pcsc-wait", "--timeout", str(ms), "--reader",
                           env("SAFEID_READER", i), cond],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode


def ctl(i, *args):
    subprocess.run(["safeid-emu", "ctl", "--ctl", env("SAFEID_EMU_CTL", i)] + list(args),
                   check=True, stdout=subprocess.DEVNULL)


def token_back(lib, i):
    """The dropped token stays out of the field until put back: check the
    slot says so, put it back, wait for it by condition (bounded)."""
    check(pcsc_wait(i, "--absent", 10000) == 0, "PC/SC sees the token gone")
    rv = rv_of(rw_session, lib, slot_of(lib, i))
    check(rv == LL.CKR_TOKEN_NOT_PRESENT, "C_OpenSession while out: %s" % PyKCS11.CKR.get(rv, rv))
    ctl(i, "insert")
    check(pcsc_wait(i, "--present", 10000) == 0, "PC/SC sees the token back")
    return rw_session(lib, slot_of(lib, i))


def seed_state_fn():
    """The module's vendor function safeid_pkcs11_seed_state, through
    ctypes: dlopen of the same path gives the same loaded module PyKCS11
    uses, so it sees the same records."""
    so = ctypes.CDLL(os.path.join(os.environ["SAFEID_LIB"], "safeid-pkcs11.so"))
    f = so.safeid_pkcs11_seed_state
    f.restype = ctypes.c_ulong
    f.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_ulong)]
    return f


def seed_state(f, serial, null_state=False):
    """(rv, state) of the vendor function; state 99 when it left it alone."""
    st = ctypes.c_ulong(99)
    rv = f(serial.encode() if serial is not None else None,
           None if null_state else ctypes.byref(st))
    return rv, st.value


def seed_state_arguments(f, serial):
    """NULL arguments and a serial this process never wrote to."""
    rv, _ = seed_state(f, None)
    check(rv == LL.CKR_ARGUMENTS_BAD, "seed_state(NULL serial) = %s" % PyKCS11.CKR.get(rv, rv))
    rv, _ = seed_state(f, serial, null_state=True)
    check(rv == LL.CKR_ARGUMENTS_BAD, "seed_state(NULL state) = %s" % PyKCS11.CKR.get(rv, rv))
    for other in ("8659612999999", "", "9" * 200):
        rv, st = seed_state(f, other)
        check(rv == CKR_DATA_INVALID and st == 99,
              "seed_state(%r, never written) = %s, state left alone" % (other[:20], PyKCS11.CKR.get(rv, rv)))


def token_truth():
    """What token 0 holds: "none", "new" (SEED20) or "other"."""
    rc, j = emu_code(0)
    if rc == 3:
        return "none"
    if rc == 0 and j.get("code") == oathtool(SEED20, j["token_time"], False, 30):
        return "new"
    return "other"


def state_matches_token(st, had_seed):
    """The module's seed state agrees with what the emulated token holds
    (UNKNOWN agrees with anything: it claims nothing)."""
    truth = token_truth()
    if st == SEED_NEW:
        return truth == "new"
    if st == SEED_OLD:
        return truth == ("other" if had_seed else "none")
    if st == SEED_ERASED:
        return truth == "none"
    return st == SEED_UNKNOWN


def scenario_removal(lib, fault, n, want_state, seed_on_token, vendor):
    """A burn whose APDU n is dropped: CKR_DEVICE_REMOVED, never CKR_OK.
    While the token is away its session is gone, and the module's vendor
    function tells what it holds; the attribute says the same once it is
    back; both agree with the emulator."""
    serial = json.loads(emu(0, "show", "--json")[1])["serial"]
    had_seed = token_truth() != "none"
    s = rw_session(lib, slot_of(lib, 0))
    seed_state_arguments(vendor, serial)
    rv, st = seed_state(vendor, serial)
    check(rv == CKR_DATA_INVALID, "before any write to %s: %s" % (serial, PyKCS11.CKR.get(rv, rv)))
    ctl(0, "fault", "--%s %d" % (fault, n))
    rv = rv_of(s.createObject, otp_template(SEED20))
    check(rv == LL.CKR_DEVICE_REMOVED, "--%s %d: C_CreateObject = %s" % (fault, n, PyKCS11.CKR.get(rv, rv)))
    check(pcsc_wait(0, "--absent", 10000) == 0, "PC/SC sees the token gone")
    rv = rv_of(s.findObjects, [(LL.CKA_CLASS, CKO_OTP_KEY)])
    check(rv != LL.CKR_OK, "token away: its session cannot be asked (%s)" % PyKCS11.CKR.get(rv, rv))
    rv, away = seed_state(vendor, serial)
    check(rv == LL.CKR_OK and away == want_state,
          "token away: seed_state(%s) = %s, %d (want CKR_OK, %d)" % (serial, PyKCS11.CKR.get(rv, rv), away, want_state))
    s2 = token_back(lib, 0)
    st = unulong(attr(s2, seed_obj(s2), CKA_SAFEID_SEED_STATE))
    check(st == want_state, "seed state after the token came back: %d (want %d)" % (st, want_state))
    check(seed_state(vendor, serial) == (LL.CKR_OK, st), "seed_state equals CKA_SAFEID_SEED_STATE")
    rc, j = emu_code(0)
    if seed_on_token:
        verify_code(0, SEED20, False, 30, "the dropped answer's seed is on the token")
    else:
        check(rc == (0 if had_seed else 3), "the token holds %s" % ("its old seed" if had_seed else "no seed"))
    check(state_matches_token(away, had_seed), "state %d agrees with the emulator (%s)" % (away, token_truth()))


def scenario_faults(lib):
    """Token 0 answers 6D00 to everything (not of this family), token 1 is
    locked (6983 to authenticate), token 2 refuses the config (6A80),
    token 3 garbles its answer to the seed write."""
    present = lib.getSlotList(tokenPresent=True)
    check(slot_of(lib, 0) not in present, "a foreign card is not a token")
    check(slot_of(lib, 1) in present and slot_of(lib, 2) in present,
          "the other two are tokens")
    info = lib.getSlotInfo(slot_of(lib, 0))
    check(not (info.flags & LL.CKF_TOKEN_PRESENT), "foreign card: no CKF_TOKEN_PRESENT")
    rv = rv_of(rw_session, lib, slot_of(lib, 0))
    check(rv == LL.CKR_TOKEN_NOT_RECOGNIZED, "foreign card: %s" % PyKCS11.CKR.get(rv, rv))
    check(writes(0) == [], "nothing written to the foreign card")

    s = rw_session(lib, slot_of(lib, 1))
    rv = rv_of(s.createObject, otp_template(SEED20))
    check(rv == LL.CKR_DEVICE_ERROR, "locked token: %s" % PyKCS11.CKR.get(rv, rv))
    with open(env("SAFEID_EMU_LOG", 1)) as f:
        auths = [l for l in f if l.startswith("80 CE")]
    check(len(auths) == 1, "authentication tried once, never retried (%d)" % len(auths))
    check(writes(1) == [], "nothing written to the locked token")
    check(unulong(attr(s, seed_obj(s), CKA_SAFEID_SEED_STATE)) == SEED_OLD, "seed state OLD")

    s = rw_session(lib, slot_of(lib, 2))
    rv = rv_of(s.createObject, otp_template(SEED20))
    check(rv == LL.CKR_DEVICE_ERROR, "config refused: %s" % PyKCS11.CKR.get(rv, rv))
    check(not any(l.startswith("84 C5") for l in writes(2)), "no seed sent after the refusal")
    check(unulong(attr(s, seed_obj(s), CKA_SAFEID_SEED_STATE)) == SEED_OLD, "seed state OLD")
    rv = rv_of(s.setAttributeValue, clock_obj(s), clock_template("2027060112000000"))
    check(rv == LL.CKR_FUNCTION_REJECTED, "clock: config still unknown after the refused burn")

    # Token 3 answers the seed write with garbage while staying on the
    # reader: a device error (not a removal), seed state unknown.
    s = rw_session(lib, slot_of(lib, 3))
    rv = rv_of(s.createObject, otp_template(SEED20))
    check(rv == LL.CKR_DEVICE_ERROR, "garbled seed answer: %s" % PyKCS11.CKR.get(rv, rv))
    st = unulong(attr(s, seed_obj(s), CKA_SAFEID_SEED_STATE))
    check(st == SEED_UNKNOWN, "seed state UNKNOWN after a garbled answer (%d)" % st)


def log_lines(i):
    with open(env("SAFEID_EMU_LOG", i)) as f:
        return sum(1 for _ in f)


def utc_of(info):
    return calendar.timegm(time.strptime(info.utcTime[:14], "%Y%m%d%H%M%S"))


def swap_in(i, serial):
    """Swap another token (a fresh one with this serial) onto reader i as a
    person does: one token out (PC/SC sees the reader empty), the other
    in.  An instant swap inside one pcscd poll would not be seen by PC/SC
    at all, nor by any real reader.  Returns its state file."""
    other = os.path.join(os.environ["SAFEID_HARNESS_DIR"], "other.state")
    subprocess.run(["safeid-emu", "init", "--state", other, "--serial", serial],
                   check=True, stdout=subprocess.DEVNULL)
    ctl(i, "remove")
    check(pcsc_wait(i, "--absent", 10000) == 0, "PC/SC sees the first token gone")
    ctl(i, "load", other)
    check(pcsc_wait(i, "--present", 10000) == 0, "PC/SC sees the other token")
    return other


def scenario_cache(lib):
    """The module reads a token's info once while it stays on the reader:
    repeated queries send no APDU, utcTime follows the token's clock, and
    a removal or a swap for another token is still seen at once."""
    slot = slot_of(lib, 0)
    first = lib.getTokenInfo(slot).serialNumber.strip()
    n = log_lines(0)
    for _ in range(5):
        lib.getSlotList(tokenPresent=True)
        lib.getSlotInfo(slot)
        info = lib.getTokenInfo(slot)
    s = lib.openSession(slot)
    clk = clock_obj(s)
    attr(s, clk, LL.CKA_VALUE)
    check(log_lines(0) == n, "slot list, slot/token info x5, a session and a "
          "clock read sent no APDU (sent %d)" % (log_lines(0) - n))
    # A fresh emulated token runs on host time (no offset).
    check(abs(utc_of(info) - time.time()) <= 2,
          "utcTime %s is the token's clock now" % info.utcTime)

    ctl(0, "remove")
    check(pcsc_wait(0, "--absent", 10000) == 0, "PC/SC sees the token gone")
    rv = rv_of(lib.getTokenInfo, slot)
    check(rv == LL.CKR_TOKEN_NOT_PRESENT, "C_GetTokenInfo after removal: %s" % PyKCS11.CKR.get(rv, rv))
    check(not lib.getSlotInfo(slot).flags & PyKCS11.CKF_TOKEN_PRESENT,
          "C_GetSlotInfo after removal: no token")
    ctl(0, "insert")
    check(pcsc_wait(0, "--present", 10000) == 0, "PC/SC sees the token back")
    check(lib.getTokenInfo(slot).serialNumber.strip() == first, "the same token is back")

    swap_in(0, "8659612000079")
    n = log_lines(0)
    got = lib.getTokenInfo(slot).serialNumber.strip()
    check(got == "8659612000079", "after a swap C_GetTokenInfo names the new token (%s)" % got)
    check(log_lines(0) - n == 1, "the new token was read once (%d APDUs)" % (log_lines(0) - n))
    rv = rv_of(attr, s, clk, LL.CKA_VALUE)
    check(rv == LL.CKR_DEVICE_REMOVED, "the old token's session after the swap: %s" % PyKCS11.CKR.get(rv, rv))


def log_tail(i, n):
    """The emulator's log lines after the first n: header and SW."""
    with open(env("SAFEID_EMU_LOG", i)) as f:
        return [" ".join(l.split()[:5]) for l in f][n:]


def debug_of(fn, *args):
    """Call fn with the module's debug lines on (SAFEID_PKCS11_DEBUG, read
    at each message) and stderr caught in a file: (CK_RV, stderr text)."""
    path = os.path.join(os.environ["SAFEID_HARNESS_DIR"], "debug.txt")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    saved = os.dup(2)
    os.environ["SAFEID_PKCS11_DEBUG"] = "1"
    os.dup2(fd, 2)
    try:
        rv = rv_of(fn, *args)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(fd)
        del os.environ["SAFEID_PKCS11_DEBUG"]
    with open(path) as f:
        return rv, f.read()


BURN_APDUS = ["80 4B 08 00 9000", "80 CE 00 00 9000", "84 D4 00 00 9000",
              "84 C5 01 00 9000", "80 41 00 00 9000"]


def scenario_burn_apdus(lib):
    """A burn costs the protocol's APDUs and no more: the session's probe
    (get info, kept), then get info, challenge, authenticate, config, seed,
    get info; the read-back after it is served from that last read.  A
    session whose token was swapped for another is still refused, with
    nothing written to the other token."""
    slot = slot_of(lib, 0)
    first = json.loads(emu(0, "show", "--json")[1])["serial"]
    s = rw_session(lib, slot)
    serial = lib.getTokenInfo(slot).serialNumber.strip()
    check(serial == first, "session on token %s" % serial)
    rv = rv_of(s.createObject, otp_template(SEED20))
    check(rv == LL.CKR_OK, "C_CreateObject = %s" % PyKCS11.CKR.get(rv, rv))
    info = lib.getTokenInfo(slot)
    seen = log_tail(0, 0)
    want = ["80 41 00 00 9000"] * 2 + BURN_APDUS
    check(seen == want, "session, burn and read-back sent exactly %d APDUs: "
          "%s" % (len(want), seen))
    check(info.serialNumber.strip() == serial, "the read-back names the same token")
    check(abs(utc_of(info) - time.time()) <= 2,
          "the read-back's utcTime %s is the written clock, run on" % info.utcTime)
    verify_code(0, SEED20, False, 30, "burned")

    other = swap_in(0, "8659612000074")
    n = log_lines(0)
    rv, err = debug_of(s.createObject, otp_template(SEED32))
    check(rv == LL.CKR_DEVICE_REMOVED,
          "burn on the swapped-out token's session: %s" % PyKCS11.CKR.get(rv, rv))
    after = log_tail(0, n)
    check(after == ["80 41 00 00 9000"],
          "the other token was only read, nothing written: %s" % after)
    check("token %s was replaced by 8659612000074" % serial in err,
          "the debug line names both tokens: %r" % err[-300:])
    p = subprocess.run(["safeid-emu", "code", "--state", other],
                       capture_output=True, text=True)
    check(p.returncode == 3, "the other token holds no seed (code exit %d)" % p.returncode)


def main():
    what = sys.argv[1]
    vendor = None
    if what == "removal":
        # Loaded, not yet initialised: the vendor function says so.
        vendor = seed_state_fn()
        rv, st = seed_state(vendor, "8659612000051")
        check(rv == LL.CKR_CRYPTOKI_NOT_INITIALIZED and st == 99,
              "before C_Initialize: seed_state = %s" % PyKCS11.CKR.get(rv, rv))
    lib = load()
    if what == "burn-sha256":
        scenario_burn_sha256(lib)
    elif what == "clock":
        scenario_clock(lib)
    elif what == "faults":
        scenario_faults(lib)
    elif what == "negative":
        scenario_negative(lib)
    elif what == "cache":
        scenario_cache(lib)
    elif what == "burn-apdus":
        scenario_burn_apdus(lib)
    elif what == "removal":
        fault, n, state, on = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "yes"
        scenario_removal(lib, fault, n, state, on, vendor)
    else:
        raise SystemExit("unknown scenario " + what)
    if FAILS:
        print("%d check(s) failed" % len(FAILS))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
