package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/rightsline/rightsline/bot/media/mediatest"
)

var (
	ratBytes    = mediatest.GPSBytes
	jpegWithGPS = mediatest.JPEGWithGPS
	pngWithGPS  = mediatest.PNGWithGPS
	webpWithGPS = mediatest.WebPWithGPS
)

// jpegSegments lists the markers and payloads of a JPEG's header
// segments, up to SOS.
func jpegSegments(t *testing.T, b []byte) (markers []byte, payloads [][]byte) {
	t.Helper()
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			t.Fatalf("no marker at %d", i)
		}
		m := b[i+1]
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		markers = append(markers, m)
		payloads = append(payloads, b[i+4:i+2+n])
		if m == 0xDA {
			return
		}
		i += 2 + n
	}
	t.Fatal("no SOS")
	return
}

// TestStripJPEGRemovesGPS: a JPEG built here with an Exif GPS IFD, XMP
// coordinates, a comment and an executable appended after EOI comes out
// with none of them (no GPS tag, not a byte of the coordinates, nothing
// after EOI), the orientation kept as a one-entry Exif, the image data
// copied byte for byte (the same pixels decode) and never re-encoded.
func TestStripJPEGRemovesGPS(t *testing.T) {
	t.Parallel()
	in, plain := jpegWithGPS(t, 6)
	if !bytes.Contains(in, ratBytes()) || !bytes.Contains(in, []byte("GPSLatitude")) {
		t.Fatal("the test photo lacks its GPS data")
	}
	c, err := Process(in, false)
	if err != nil {
		t.Fatal(err)
	}
	out := c.Data
	if c.Type != TypeJPEG || !c.Stripped {
		t.Fatalf("type %q stripped %v", c.Type, c.Stripped)
	}
	for _, gone := range [][]byte{ratBytes(), []byte("GPSLatitude"), []byte("TestPhone"), []byte("Pennsylvania"), []byte("MZ\x90"), []byte("appended")} {
		if bytes.Contains(out, gone) {
			t.Errorf("output still holds %q", gone)
		}
	}
	if !bytes.HasSuffix(out, []byte{0xFF, 0xD9}) {
		t.Error("output does not end at EOI")
	}
	markers, payloads := jpegSegments(t, out)
	exifs := 0
	for k, m := range markers {
		if m == 0xFE || m >= 0xE3 && m <= 0xED || m == 0xEF {
			t.Errorf("segment %#x kept", m)
		}
		if m == 0xE1 {
			exifs++
			p := payloads[k]
			if !bytes.HasPrefix(p, []byte("Exif\x00\x00")) {
				t.Fatalf("APP1 kept that is not the orientation Exif: %q", p)
			}
			if o, ok := exifOrientation(p[6:]); !ok || o != 6 {
				t.Errorf("orientation %d, %v; want 6", o, ok)
			}
			if bytes.Contains(p, []byte{0x25, 0x88}) || bytes.Contains(p, []byte{0x88, 0x25}) {
				t.Error("the orientation Exif holds a GPS pointer")
			}
		}
	}
	if exifs != 1 || markers[0] != 0xE0 || markers[1] != 0xE1 {
		t.Errorf("markers %x: want JFIF, then the orientation Exif", markers)
	}
	// The scan data is the encoder's, untouched; the pixels are the same.
	if !bytes.HasSuffix(out, plain[bytes.LastIndex(plain, []byte{0xFF, 0xDA}):]) {
		t.Error("the entropy-coded data changed")
	}
	a, err := jpeg.Decode(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	b, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("stripped JPEG does not decode: %v", err)
	}
	if a.Bounds() != b.Bounds() {
		t.Fatal("bounds changed")
	}
	for y := 0; y < a.Bounds().Dy(); y++ {
		for x := 0; x < a.Bounds().Dx(); x++ {
			if a.At(x, y) != b.At(x, y) {
				t.Fatalf("pixel %d,%d changed", x, y)
			}
		}
	}
	// Stripping again finds nothing more.
	again, stripped, err := StripJPEG(out, true)
	if err != nil || stripped || !bytes.Equal(again, out) {
		t.Fatalf("second strip: stripped %v, same %v, %v", stripped, bytes.Equal(again, out), err)
	}

	// Orientation 1 (upright) needs no Exif at all.
	in1, _ := jpegWithGPS(t, 1)
	c1, err := Process(in1, false)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := jpegSegments(t, c1.Data); bytes.IndexByte(m, 0xE1) >= 0 {
		t.Error("an upright photo kept an APP1")
	}

	// The resident chose to keep the location: only the bytes after EOI go.
	kept, err := Process(in, true)
	if err != nil {
		t.Fatal(err)
	}
	if kept.Stripped || !bytes.Contains(kept.Data, ratBytes()) || bytes.Contains(kept.Data, []byte("appended")) {
		t.Errorf("keep location: stripped %v, GPS kept %v", kept.Stripped, bytes.Contains(kept.Data, ratBytes()))
	}
}

// TestProcessRefuses: whatever the provider claimed, HTML, an executable,
// SVG, HEIC, empty input and text are not photos; a JPEG or PNG cut short
// or damaged is broken.
func TestProcessRefuses(t *testing.T) {
	t.Parallel()
	in, _ := jpegWithGPS(t, 1)
	p := pngWithGPS(t)
	badCRC := bytes.Clone(p)
	badCRC[8+8+5] ^= 0xFF // inside IHDR's data
	cases := map[string]struct {
		b    []byte
		want error
	}{
		"html":             {[]byte("<!DOCTYPE html><html><script>alert(1)</script>"), ErrType},
		"executable":       {[]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), ErrType},
		"elf":              {[]byte("\x7fELF\x02\x01\x01"), ErrType},
		"svg":              {[]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ErrType},
		"heic":             {[]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), ErrType},
		"empty":            {nil, ErrType},
		"text":             {[]byte("hello"), ErrType},
		"jpeg cut short":   {in[:len(in)/2], ErrBroken},
		"jpeg no EOI":      {in[:bytes.LastIndex(in, []byte{0xFF, 0xD9})], ErrBroken},
		"jpeg header only": {[]byte{0xFF, 0xD8, 0xFF}, ErrBroken},
		"png cut short":    {p[:len(p)/2], ErrBroken},
		"png bad crc":      {badCRC, ErrBroken},
		"webp no image":    {[]byte("RIFF\x0c\x00\x00\x00WEBPEXIF\x00\x00\x00\x00"), ErrBroken},
	}
	for name, tc := range cases {
		if _, err := Process(tc.b, false); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v; want %v", name, err, tc.want)
		}
	}
	if c, err := Process([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"), false); err != nil || c.Type != TypePDF {
		t.Errorf("pdf: %+v %v", c, err)
	}
}

// TestStripPNGRemovesGPS: the eXIf chunk (a GPS IFD) and the XMP text
// chunk go, the image chunks stay byte for byte (the same pixels decode),
// nothing after IEND.
func TestStripPNGRemovesGPS(t *testing.T) {
	t.Parallel()
	in := pngWithGPS(t)
	c, err := Process(in, false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Type != TypePNG || !c.Stripped {
		t.Fatalf("%q %v", c.Type, c.Stripped)
	}
	for _, gone := range [][]byte{ratBytes(), []byte("eXIf"), []byte("iTXt"), []byte("GPSLatitude"), []byte("<script>")} {
		if bytes.Contains(c.Data, gone) {
			t.Errorf("output still holds %q", gone)
		}
	}
	a, err := png.Decode(bytes.NewReader(in[:bytes.Index(in, []byte("<script>"))]))
	if err != nil {
		t.Fatal(err)
	}
	b, err := png.Decode(bytes.NewReader(c.Data))
	if err != nil {
		t.Fatalf("stripped PNG does not decode: %v", err)
	}
	for y := 0; y < 24; y++ {
		for x := 0; x < 32; x++ {
			if a.At(x, y) != b.At(x, y) {
				t.Fatalf("pixel %d,%d changed", x, y)
			}
		}
	}
	kept, err := Process(in, true)
	if err != nil || kept.Stripped || !bytes.Contains(kept.Data, ratBytes()) {
		t.Fatalf("keep location: %v %v", kept.Stripped, err)
	}
}

// TestStripWebPRemovesGPS: EXIF and XMP chunks go, their VP8X flags are
// cleared and the RIFF size matches what is left.
func TestStripWebPRemovesGPS(t *testing.T) {
	t.Parallel()
	c, err := Process(webpWithGPS(), false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Type != TypeWebP || !c.Stripped || bytes.Contains(c.Data, ratBytes()) || bytes.Contains(c.Data, []byte("EXIF")) || bytes.Contains(c.Data, []byte("GPSLatitude")) {
		t.Fatalf("%q stripped %v: %q", c.Type, c.Stripped, c.Data)
	}
	if got := binary.LittleEndian.Uint32(c.Data[4:]); int(got) != len(c.Data)-8 {
		t.Errorf("RIFF size %d for %d bytes", got, len(c.Data))
	}
	if flags := c.Data[12+8]; flags&(0x08|0x04) != 0 {
		t.Errorf("VP8X flags %#x still announce EXIF/XMP", flags)
	}
}

// FuzzStripJPEG: no input panics; whatever is accepted starts with SOI,
// ends with EOI, and stripping it again changes nothing.
func FuzzStripJPEG(f *testing.F) {
	in, plain := jpegWithGPS(f, 6)
	f.Add(in)
	f.Add(plain)
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9})
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xE1, 0x00, 0x02, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0xFF, 0xD3, 0xFF, 0xD9})
	f.Fuzz(func(t *testing.T, b []byte) {
		out, _, err := StripJPEG(b, true)
		if err != nil {
			return
		}
		if !bytes.HasPrefix(out, []byte{0xFF, 0xD8}) || !bytes.HasSuffix(out, []byte{0xFF, 0xD9}) {
			t.Fatalf("accepted output % x", out)
		}
		again, stripped, err := StripJPEG(out, true)
		if err != nil || stripped || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %v %v", stripped, err)
		}
	})
}

// FuzzProcess: no input panics.
func FuzzProcess(f *testing.F) {
	in, _ := jpegWithGPS(f, 3)
	f.Add(in)
	f.Add(pngWithGPS(f))
	f.Add(webpWithGPS())
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Process(b, false)
		_, _ = Process(b, true)
	})
}
