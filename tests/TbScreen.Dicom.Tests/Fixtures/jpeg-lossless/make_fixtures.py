#!/usr/bin/env python3
"""Regenerates the JPEG lossless fixtures with dcmtk (manual; tests only read the results).

For every predictor (selection value) 1..7 and precision 8/12/16 it writes a small synthetic
image (smooth gradients + seeded noise + a few extreme jumps, odd size 37x23) into a minimal
uncompressed DICOM, compresses it with `dcmcjpeg +el +sv N`, and keeps the JPEG codestream
(`sv{N}_{bits}b.jpg`) and our pixels (`sv{N}_{bits}b.u16le`, little-endian uint16). The codestreams
therefore come from an independent encoder (dcmtk 3.6.7, IJG-based). `rgb_sv4_8b.*` is a
3-component interleaved case. It also writes ../jpeg-baseline/rgb_{422,444}.jpg (dcmcjpeg +eb,
YBR_FULL_422 / YBR_FULL) with dcmtk's own RGB decode (.u16le) for the colour path. Usage: python3 make_fixtures.py (needs dcmcjpeg on PATH).
"""
import os, random, struct, subprocess, sys, tempfile

W, H = 37, 23
HERE = os.path.dirname(os.path.abspath(__file__))


def element(group, elem, vr, value):
    if vr in ("OB", "OW", "UN", "SQ", "UT"):
        return struct.pack("<HH2sHI", group, elem, vr.encode(), 0, len(value)) + value
    return struct.pack("<HH2sH", group, elem, vr.encode(), len(value)) + value


def text(s):
    b = s.encode()
    return b + (b"\0" if len(b) % 2 else b"")


def us(v):
    return struct.pack("<H", v)


def make_dicom(path, pixels, bits, samples):
    sop_class, sop_inst = "1.2.840.10008.5.1.4.1.1.7", "1.2.826.0.1.3680043.9.7433.1.1"
    meta = (element(2, 1, "OB", b"\0\1") + element(2, 2, "UI", text(sop_class))
            + element(2, 3, "UI", text(sop_inst)) + element(2, 0x10, "UI", text("1.2.840.10008.1.2.1"))
            + element(2, 0x12, "UI", text("1.2.826.0.1.3680043.9.7433.1")))
    meta = element(2, 0, "UL", struct.pack("<I", len(meta))) + meta
    alloc = 8 if bits == 8 else 16
    ds = (element(8, 0x16, "UI", text(sop_class)) + element(8, 0x18, "UI", text(sop_inst))
          + element(8, 0x60, "CS", text("OT")) + element(0x28, 2, "US", us(samples))
          + element(0x28, 4, "CS", text("MONOCHROME2" if samples == 1 else "RGB")))
    if samples > 1:
        ds += element(0x28, 6, "US", us(0))
    ds += (element(0x28, 0x10, "US", us(H)) + element(0x28, 0x11, "US", us(W))
           + element(0x28, 0x100, "US", us(alloc)) + element(0x28, 0x101, "US", us(bits))
           + element(0x28, 0x102, "US", us(bits - 1)) + element(0x28, 0x103, "US", us(0)))
    data = bytes(pixels) if alloc == 8 else struct.pack("<%dH" % len(pixels), *pixels)
    if len(data) % 2:
        data += b"\0"
    ds += element(0x7FE0, 0x10, "OB" if alloc == 8 else "OW", data)
    with open(path, "wb") as f:
        f.write(b"\0" * 128 + b"DICM" + meta + ds)


def first_frame(path):
    """Concatenates the fragments of frame 1 of an encapsulated DICOM file."""
    d = open(path, "rb").read()
    p = d.rindex(b"\xe0\x7f\x10\x00")
    p += 12
    frags = []
    while True:
        tag, length = struct.unpack_from("<II", d, p)
        p += 8
        if tag == 0xE0DDFFFE:
            break
        frags.append(d[p:p + length])
        p += length
    return b"".join(frags[1:])  # first item is the offset table


def image(bits, samples, seed):
    rnd = random.Random(seed)
    top = (1 << bits) - 1
    out = []
    for y in range(H):
        for x in range(W):
            for c in range(samples):
                v = (x * 53 + y * 31 + c * 400) * top // (W * 53 + H * 31 + 800)
                v += rnd.randint(-top // 40 - 1, top // 40 + 1)
                out.append(min(top, max(0, v)))
    # extreme jumps: full-range steps exercise large categories (and 16 at 16 bits)
    for (x, y, v) in [(5, 3, 0), (6, 3, top), (7, 3, 0), (10, 10, (top + 1) // 2), (11, 10, 0), (0, 12, top), (36, 22, 0)]:
        for c in range(samples):
            out[(y * W + x) * samples + c] = v
    return out


def baseline_fixtures():
    out_dir = os.path.join(HERE, "..", "jpeg-baseline")
    os.makedirs(out_dir, exist_ok=True)
    # smooth colours only: chroma upsampling filters legitimately differ at sharp edges
    rnd = random.Random(42)
    px = [min(255, max(0, 40 + (i % 3) * 60 + ((i // 3) % W) * 3 + ((i // 3) // W) * 2 + rnd.randint(-3, 3))) for i in range(W * H * 3)]
    with tempfile.TemporaryDirectory() as tmp:
        for name, opt in (("rgb_422", "+s2"), ("rgb_444", "+s4")):
            src, dst, back = (os.path.join(tmp, n) for n in ("in.dcm", "out.dcm", "back.dcm"))
            make_dicom(src, px, 8, 3)
            subprocess.run(["dcmcjpeg", "+eb", opt, src, dst], check=True)
            subprocess.run(["dcmdjpeg", dst, back], check=True)
            d = open(back, "rb").read()
            raw = d[d.rindex(b"\xe0\x7f\x10\x00") + 12:][:len(px)]
            with open(os.path.join(out_dir, name + ".jpg"), "wb") as f:
                f.write(first_frame(dst))
            with open(os.path.join(out_dir, name + ".u16le"), "wb") as f:
                f.write(struct.pack("<%dH" % len(raw), *raw))
            print(name, os.path.getsize(os.path.join(out_dir, name + ".jpg")))


def main():
    cases = [(sv, bits, 1) for sv in range(1, 8) for bits in (8, 12, 16)] + [(4, 8, 3)]
    with tempfile.TemporaryDirectory() as tmp:
        for sv, bits, samples in cases:
            name = ("rgb_" if samples == 3 else "") + f"sv{sv}_{bits}b"
            px = image(bits, samples, seed=sv * 100 + bits + samples)
            src, dst = os.path.join(tmp, "in.dcm"), os.path.join(tmp, "out.dcm")
            make_dicom(src, px, bits, samples)
            subprocess.run(["dcmcjpeg", "+el", "+sv", str(sv), src, dst], check=True)
            with open(os.path.join(HERE, name + ".jpg"), "wb") as f:
                f.write(first_frame(dst))
            with open(os.path.join(HERE, name + ".u16le"), "wb") as f:
                f.write(struct.pack("<%dH" % len(px), *px))
            # dcmtk must round-trip its own stream to our pixels, or the fixture is useless
            back = os.path.join(tmp, "back.dcm")
            subprocess.run(["dcmdjpeg", dst, back], check=True)
            d = open(back, "rb").read()
            raw = d[d.rindex(b"\xe0\x7f\x10\x00") + 12:]
            got = list(raw[:len(px)]) if bits == 8 else list(struct.unpack_from("<%dH" % len(px), raw))
            if got != px:
                sys.exit(f"dcmtk did not round-trip {name}")
            print(name, os.path.getsize(os.path.join(HERE, name + ".jpg")))


if __name__ == "__main__":
    main()
    baseline_fixtures()
