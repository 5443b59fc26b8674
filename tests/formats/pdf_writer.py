# The one PDF writer of make_fixtures.sh: minimal PDF 1.4 files (the text PDFs, the PDF without
# text, the scanned PDF), byte for byte the same on every run. Objects are numbered in the order
# they are added; 1 is the catalog and 2 the page tree, which data() fills in.
#
#   pdf = Pdf()
#   font = pdf.add("<< /Type /Font ... >>")
#   pdf.page("<< /Font << /F1 %d 0 R >> >>" % font, pdf.stream(b"BT ... ET"))
#   open(path, "wb").write(pdf.data())


class Pdf:
    def __init__(self):
        self.objs = ["<< /Type /Catalog /Pages 2 0 R >>", None]
        self.kids = []

    def add(self, obj):
        """Adds an object (str or bytes); returns its number."""
        self.objs.append(obj)
        return len(self.objs)

    def stream(self, data, attrs=b""):
        """Adds a stream object holding `data`; `attrs` are its dictionary's other entries."""
        return self.add(b"<< " + attrs + b"/Length %d >>\nstream\n" % len(data) + data + b"\nendstream")

    def page(self, resources, contents):
        """Adds an A4 page drawn by the stream `contents` with the resource dictionary given."""
        self.kids.append(self.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>"
                                  % (resources, contents)))

    def data(self):
        """The file: header, objects, cross-reference table, trailer."""
        self.objs[1] = "<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join("%d 0 R" % k for k in self.kids), len(self.kids))
        data, offs = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
        for i, o in enumerate(self.objs, 1):
            offs.append(len(data))
            data += b"%d 0 obj\n" % i + (o if isinstance(o, bytes) else o.encode()) + b"\nendobj\n"
        xref = len(data)
        data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offs)
        data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(self.objs) + 1, xref)
        return bytes(data)
