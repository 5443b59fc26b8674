#!/usr/bin/env bash
# Makes the format fixtures in tests/formats/fixtures/ from two bundled corpus letters, so that
# the tests can check that each format gives the same analysis as the plain text. The outputs are
# committed (a few KB each, the scans up to ~250 KB); run this again only to change them. Needs
# python3, qpdf and pdftoppm (poppler-utils); nothing here is needed when the tests run.
#
#   <doc>.html  written here: paragraphs as <p>, lines as <br>, **bold** as <b>, æøå as entities,
#               plus <head>/<script>/<style>/<nav>/<header>/<footer> holding dates and
#               municipalities that must NOT reach the analysis.
#   <doc>.docx  hand-made minimal WordprocessingML zipped here: the first paragraph in
#               word/header1.xml, the Sagsnr./Doknr./Dato label/value pairs in a table, the rest as
#               w:p with bold runs split from plain ones; a footer with the ministry's web address.
#   <doc>.odt   hand-made minimal ODF zipped here (mimetype stored first): the first paragraph in
#               the master page's header in styles.xml, every line a text:p, bold as text:span.
#   <doc>.pdf   written here as PDF 1.4 with Helvetica (WinAnsi), 22 body lines a page, a running
#               header with a date on every page ("Udskrevet 01-02-2021"), a footer "Side N af M",
#               and long lower-case words hyphenated at line ends.
#   <doc>.eml   written here with python3's email package: letter_000 as multipart/alternative
#               (text/plain in windows-1252, quoted-printable, CRLF line ends, plus the HTML
#               alternative), answer_003 as HTML only (UTF-8, base64); RFC 2047 subjects.
#   encrypted.pdf  000's PDF encrypted by qpdf (AES-256, user password "hemmelig").
#   notext.pdf  a one-page PDF with nothing but a rectangle: no text layer.
#   Scans of letter_000.pdf, for OCR: its pages rendered by pdftoppm at 300 dpi in gray, then
#   "scanned" here with light seeded noise (specks, dust, a faint grey cast, a 0.4 degree skew):
#   scan_000.pdf   the three pages as 4-bit grey images (Flate), no text layer
#   scan_000.tiff  pages 1-2 in one TIFF, bilevel (threshold 128), Deflate
#   scan_000.png   page 1, 8-bit grey
#   scan_000.jpg   page 1 of scan_000.pdf rendered again by pdftoppm, JPEG quality 25
#   attachments.eml  a message carrying letter_000.docx, answer_003.pdf, a forwarded message with
#               answer_003.odt, a plain ZIP and scan_000.png (see the section that writes it)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../../corpus/seeds/docs"
out="$here/fixtures"
mkdir -p "$out"
# The PDF writer both scripts below use: pdf_writer.py beside this script.
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
python3 - "$src" "$out" <<'PY'
import html, re, sys, zipfile, os
from pdf_writer import Pdf
src, out = sys.argv[1], sys.argv[2]
docs = {"letter_000": "000_256995b99efc51f4.txt", "answer_003": "003_374ed7ae66b69cef.txt"}
ENT = {"æ": "&aelig;", "ø": "&oslash;", "å": "&aring;", "Æ": "&AElig;", "Ø": "&Oslash;", "Å": "&Aring;"}

def paragraphs(text):
    return [p.strip("\n").split("\n") for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]

def runs(line):  # [(text, bold)]
    parts = re.split(r"\*\*(.+?)\*\*", line)
    return [(t, i % 2 == 1) for i, t in enumerate(parts) if t]

def is_label(p):
    return len(p) == 1 and re.sub(r"\*", "", p[0]).strip() in ("Sagsnr.", "Doknr.", "Dato")

def write_html(name, paras):
    def h(line):
        s = "".join(("<b>%s</b>" if b else "%s") % html.escape(t, quote=False) for t, b in runs(line))
        return "".join(ENT.get(c, c) for c in s)
    body = "\n".join("<p>" + "<br>\n".join(h(l) for l in p) + "</p>" for p in paras)
    doc = f"""<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>Dato 01-01-1999 Aarhus Kommune</title>
<style>p {{ margin: 0 }} /* 02-02-1999 */</style>
<script>var d = "3. marts 1999, Odense Kommune"; if (a < b && c) {{}}</script></head>
<body>
<nav><a href="/">Forside</a> | Aalborg Kommune | Sagsnr. 1999 - 1</nav>
<header><div>Esbjerg Kommune &ndash; 04-04-1999</div></header>
<main>
{body}
</main>
<footer>Randers Kommune &middot; 05-05-1999 &middot; Doknr. 999</footer>
</body></html>
"""
    open(os.path.join(out, name + ".html"), "w", encoding="utf-8").write(doc)

def x(s):
    return html.escape(s, quote=True)

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

def w_p(line):
    rs = []
    for t, b in runs(line):
        rpr = "<w:rPr><w:b/></w:rPr>" if b else ""
        rs.append(f'<w:r>{rpr}<w:t xml:space="preserve">{x(t)}</w:t></w:r>')
    return "<w:p>" + "".join(rs) + "</w:p>" if rs else "<w:p/>"

def write_docx(name, paras):
    header, rest = paras[0], paras[1:]
    body, i = [], 0
    while i < len(rest):
        if is_label(rest[i]) and i + 1 < len(rest):  # label/value pairs → one table
            rows = []
            while i + 1 < len(rest) and is_label(rest[i]):
                rows.append(f"<w:tr><w:tc>{w_p(rest[i][0])}</w:tc><w:tc>{''.join(w_p(l) for l in rest[i+1])}</w:tc></w:tr>")
                i += 2
            body.append("<w:tbl><w:tblPr/>" + "".join(rows) + "</w:tbl><w:p/>")
            continue
        body.extend(w_p(l) for l in rest[i])
        body.append("<w:p/>")
        i += 1
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W}><w:body>{"".join(body)}<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/><w:footerReference w:type="default" r:id="rIdF"/></w:sectPr></w:body></w:document>'
    hdr = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {W}>{"".join(w_p(l) for l in header)}</w:hdr>'
    ftr = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr {W}><w:p><w:r><w:t>www.sm.dk</w:t></w:r></w:p></w:ftr>'
    ct = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>'
    rels = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    drels = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>'
    with zipfile.ZipFile(os.path.join(out, name + ".docx"), "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in [("[Content_Types].xml", ct), ("_rels/.rels", rels), ("word/document.xml", document),
                     ("word/_rels/document.xml.rels", drels), ("word/header1.xml", hdr), ("word/footer1.xml", ftr)]:
            z.writestr(zipfile.ZipInfo(n, (2021, 1, 1, 0, 0, 0)), d, zipfile.ZIP_DEFLATED)

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3"')

def t_p(line):
    s = "".join(f'<text:span text:style-name="B">{x(t)}</text:span>' if b else x(t) for t, b in runs(line))
    return f"<text:p>{s}</text:p>" if s else "<text:p/>"

def write_odt(name, paras):
    header, rest = paras[0], paras[1:]
    body = "<text:p/>".join("".join(t_p(l) for l in p) for p in rest)
    content = f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {NS}>\n  <office:automatic-styles><style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style></office:automatic-styles>\n  <office:body>\n    <office:text>\n      {body}\n    </office:text>\n  </office:body>\n</office:document-content>'
    styles = f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {NS}>\n  <office:master-styles>\n    <style:master-page style:name="Standard">\n      <style:header>{"".join(t_p(l) for l in header)}</style:header>\n    </style:master-page>\n  </office:master-styles>\n</office:document-styles>'
    manifest = '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    with zipfile.ZipFile(os.path.join(out, name + ".odt"), "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", (2021, 1, 1, 0, 0, 0)), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        for n, d in [("content.xml", content), ("styles.xml", styles), ("META-INF/manifest.xml", manifest)]:
            z.writestr(zipfile.ZipInfo(n, (2021, 1, 1, 0, 0, 0)), d, zipfile.ZIP_DEFLATED)

def pdf_bytes(pages_streams):  # Helvetica (WinAnsi) as /F1, one page per content stream
    pdf = Pdf()
    font = pdf.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for stream in pages_streams:
        pdf.page("<< /Font << /F1 %d 0 R >> >>" % font, pdf.stream(stream))
    return pdf.data()

def pdf_str(s):
    b = s.encode("cp1252", errors="replace")
    return b"(" + b.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

def wrap(line, width=88):
    out, cur = [], ""
    for w in line.split(" "):
        if len(cur) + 1 + len(w) <= width or not cur:
            cur = (cur + " " + w).strip()
            continue
        room = width - len(cur) - 2
        if len(w) >= 12 and w.isalpha() and w.islower() and room >= 5:  # hyphenate the long word
            out.append(cur + " " + w[:room] + "-")
            cur = w[room:]
        else:
            out.append(cur)
            cur = w
    out.append(cur)
    return out

def write_pdf(name, text):
    lines = []
    for l in text.replace("**", "").strip().split("\n"):
        lines.extend(wrap(l) if l.strip() else [""])
    per = 22
    chunks = [lines[i:i + per] for i in range(0, len(lines), per)]
    streams = []
    for n, chunk in enumerate(chunks, 1):
        s = b"BT /F1 9 Tf 60 800 Td " + pdf_str("Social- og Indenrigsministeriet    Udskrevet 01-02-2021") + b" Tj ET\n"
        s += b"BT /F1 10 Tf 60 760 Td 14 TL\n" + b"".join(pdf_str(l) + b" Tj T*\n" for l in chunk) + b"ET\n"
        s += b"BT /F1 9 Tf 270 40 Td " + pdf_str("Side %d af %d" % (n, len(chunks))) + b" Tj ET\n"
        streams.append(s)
    open(os.path.join(out, name + ".pdf"), "wb").write(pdf_bytes(streams))

def write_eml(name, text, html_doc, plain):
    from email.message import EmailMessage
    import email.policy
    m = EmailMessage()
    m["From"] = "Social- og Indenrigsministeriet <sim@sim.dk>"
    m["To"] = "Borgmester Ole Bjørstorp <borgmester@ishoj.dk>"
    m["Subject"] = "Svar vedrørende ophør af forpligtende samarbejder"
    m["Date"] = "Mon, 14 Dec 2020 10:00:00 +0100"
    m["Message-ID"] = "<%s@sim.dk>" % name
    if plain:
        m.set_content(text, charset="windows-1252", cte="quoted-printable")
        m.add_alternative(html_doc, subtype="html")
        data = m.as_bytes(policy=email.policy.SMTP)
    else:
        m.set_content(html_doc, subtype="html", charset="utf-8", cte="base64")
        data = m.as_bytes()
    open(os.path.join(out, name + ".eml"), "wb").write(data)

for name, f in docs.items():
    text = open(os.path.join(src, f), encoding="utf-8").read()
    paras = paragraphs(text)
    write_html(name, paras)
    write_docx(name, paras)
    write_odt(name, paras)
    write_pdf(name, text)
    write_eml(name, text, open(os.path.join(out, name + ".html"), encoding="utf-8").read(), name == "letter_000")
open(os.path.join(out, "notext.pdf"), "wb").write(pdf_bytes([b"0 0 1 rg 100 100 200 200 re f\n"]))
PY
qpdf --encrypt hemmelig ejer 256 -- "$out/letter_000.pdf" "$out/encrypted.pdf"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pdftoppm -r 300 -gray "$out/letter_000.pdf" "$tmp/page"
python3 - "$tmp" "$out" <<'PY'
import glob, math, random, struct, sys, zlib, os
from pdf_writer import Pdf
tmp, out = sys.argv[1], sys.argv[2]
rnd = random.Random(4)

def read_pgm(path):
    data = open(path, "rb").read()
    parts, pos = [], 0
    while len(parts) < 4:  # P5 width height maxval, one white-space byte, then the pixels
        while data[pos:pos + 1].isspace(): pos += 1
        end = pos
        while not data[end:end + 1].isspace(): end += 1
        parts.append(data[pos:end]); pos = end
    w, h = int(parts[1]), int(parts[2])
    return w, h, bytearray(data[pos + 1:pos + 1 + w * h])

def noisy(w, h, px):
    cast = bytes(max(0, v - 10) for v in range(256))  # a faint grey cast: white becomes 245
    px = bytearray(px.translate(cast))
    for _ in range(800):  # specks of 1-2 pixels
        x, y, s, v = rnd.randrange(w - 3), rnd.randrange(h - 3), rnd.randint(1, 2), rnd.randint(40, 170)
        for dy in range(s):
            for dx in range(s):
                px[(y + dy) * w + x + dx] = v
    for _ in range(15):  # dust: short thin strokes
        x, y, ln = rnd.randrange(w - 40), rnd.randrange(h - 40), rnd.randint(5, 20)
        horiz = rnd.random() < 0.5
        for i in range(ln):
            px[(y + (0 if horiz else i)) * w + x + (i if horiz else 0)] = 90
    return px

def pack(w, h, px, bits, threshold=128):
    rows = []
    for y in range(h):
        row = px[y * w:(y + 1) * w]
        if bits == 4:
            q = row.translate(bytes(v >> 4 for v in range(256)))
            if w % 2: q += b"\0"
            rows.append(bytes(a << 4 | b for a, b in zip(q[0::2], q[1::2])))
        else:  # 1 bit, 1 = white
            b = row.translate(bytes(1 if v >= threshold else 0 for v in range(256)))
            b += b"\1" * (-w % 8)
            rows.append(bytes(sum(b[i + k] << (7 - k) for k in range(8)) for i in range(0, len(b), 8)))
    return b"".join(rows)

pages = [read_pgm(p) for p in sorted(glob.glob(os.path.join(tmp, "page-*.pgm")))]
pages = [(w, h, noisy(w, h, px)) for w, h, px in pages]

# scan_000.pdf: one image a page, drawn skewed; no fonts, no text.
pdf = Pdf()
t = math.radians(0.4)
for w, h, px in pages:
    data = zlib.compress(pack(w, h, px, 4), 9)
    img = pdf.stream(data, b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 4 "
                           b"/Filter /FlateDecode " % (w, h))
    W, H = 595.0, 842.0
    cm = "%.4f %.4f %.4f %.4f %.2f %.2f cm" % (W * math.cos(t), W * math.sin(t), -H * math.sin(t), H * math.cos(t), 4, -2)
    content = ("q 0.96 g 0 0 595 842 re f Q q %s /Im0 Do Q" % cm).encode()
    pdf.page("<< /XObject << /Im0 %d 0 R >> >>" % img, pdf.stream(content))
open(os.path.join(out, "scan_000.pdf"), "wb").write(pdf.data())

# scan_000.png: page 1, 8-bit grey.
w, h, px = pages[0]
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
raw = b"".join(b"\0" + bytes(px[y * w:(y + 1) * w]) for y in range(h))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
png += chunk(b"pHYs", struct.pack(">IIB", 11811, 11811, 1))  # 300 dpi in pixels per metre
png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
open(os.path.join(out, "scan_000.png"), "wb").write(png)

# scan_000.tiff: pages 1-2 (the case number, the date) bilevel, Deflate (compression 8), one strip, 300 dpi; little-endian.
tif, ifd_offsets = bytearray(b"II*\0\0\0\0\0"), []
prev_link = 4
for w, h, px in pages[:2]:
    strip = zlib.compress(pack(w, h, px, 1), 9)
    strip_off = len(tif); tif += strip
    if len(tif) % 2: tif += b"\0"
    res_off = len(tif); tif += struct.pack("<IIII", 300, 1, 300, 1)
    entries = [(256, 4, 1, w), (257, 4, 1, h), (258, 3, 1, 1), (259, 3, 1, 8), (262, 3, 1, 1), (273, 4, 1, strip_off),
               (277, 3, 1, 1), (278, 4, 1, h), (279, 4, 1, len(strip)), (282, 5, 1, res_off), (283, 5, 1, res_off + 8),
               (296, 3, 1, 2)]
    ifd = len(tif)
    struct.pack_into("<I", tif, prev_link, ifd)
    tif += struct.pack("<H", len(entries))
    for tag, typ, cnt, val in entries:
        tif += struct.pack("<HHI", tag, typ, cnt) + (struct.pack("<HH", val, 0) if typ == 3 else struct.pack("<I", val))
    prev_link = len(tif); tif += b"\0\0\0\0"
open(os.path.join(out, "scan_000.tiff"), "wb").write(bytes(tif))
PY
pdftoppm -r 300 -gray -jpeg -jpegopt quality=25 -f 1 -l 1 -singlefile "$out/scan_000.pdf" "$out/scan_000"
# attachments.eml: a message with the letters above as attachments, for one record per part:
#   1    text/plain cover note (the message's own record)
#   2    letter_000.docx, file name "Brev til Ishøj.docx" (RFC 2231)
#   3    answer_003.pdf
#   4    message/rfc822: a forwarded message whose body is a short note, with 4.2 answer_003.odt
#   5    bilag.zip, a plain ZIP (a format sagsindeks does not read: a warning on the message)
#   6    scan_000.png (read by OCR)
# Boundaries are fixed so the file is the same each time it is made.
python3 - "$out" <<'PY'
import os, sys, zipfile, io
from email.message import EmailMessage
import email.policy
out = sys.argv[1]
def read(name):
    return open(os.path.join(out, name), "rb").read()
inner = EmailMessage()
inner["From"] = "Borgmester Ole Bjørstorp <borgmester@ishoj.dk>"
inner["To"] = "Kommunaldirektør <direktion@ishoj.dk>"
inner["Subject"] = "VS: Svar på spørgsmål"
inner["Date"] = "Tue, 15 Dec 2020 08:30:00 +0100"
inner["Message-ID"] = "<inner@ishoj.dk>"
inner.set_content("Til orientering.\n", charset="utf-8")
inner.add_attachment(read("answer_003.odt"), maintype="application", subtype="vnd.oasis.opendocument.text",
                     filename="svar.odt")
inner.set_boundary("inner-boundary")
m = EmailMessage()
m["From"] = "Ishøj Kommune <post@ishoj.dk>"
m["To"] = "Arkivet <arkiv@ishoj.dk>"
m["Subject"] = "Journalisering: brev og bilag"
m["Date"] = "Wed, 16 Dec 2020 12:00:00 +0100"
m["Message-ID"] = "<attachments@ishoj.dk>"
m.set_content("Til journalisering.\n\nVenlig hilsen\nSekretariatet\n", charset="utf-8")
m.add_attachment(read("letter_000.docx"), maintype="application",
                 subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="Brev til Ishøj.docx")
m.add_attachment(read("answer_003.pdf"), maintype="application", subtype="pdf", filename="svar.pdf")
m.add_attachment(inner)
z = io.BytesIO()
with zipfile.ZipFile(z, "w") as zf:
    zi = zipfile.ZipInfo("regneark.csv", (2020, 12, 16, 12, 0, 0))
    zf.writestr(zi, "a;b\n1;2\n")
m.add_attachment(z.getvalue(), maintype="application", subtype="zip", filename="bilag.zip")
m.add_attachment(read("scan_000.png"), maintype="image", subtype="png", filename="scan.png")
m.set_boundary("outer-boundary")
open(os.path.join(out, "attachments.eml"), "wb").write(m.as_bytes(policy=email.policy.SMTP))
PY
ls -l "$out"
