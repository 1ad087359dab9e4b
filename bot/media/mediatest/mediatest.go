// Package mediatest builds test photos carrying a location (a JPEG with an
// Exif GPS IFD and XMP coordinates, a PNG with eXIf and XMP chunks, a WebP
// with EXIF and XMP chunks) and a fake media provider on loopback (Twilio
// with basic auth, or a CDN without), for the tests of every package that
// handles media.
package mediatest

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// gpsLat is the latitude the test photos carry (38°53'51.23" N: the
// Wilson Building in DC), as the rationals Exif stores; their bytes must
// not survive stripping.
var GPSLatRationals = []uint32{38, 1, 53, 1, 5123, 100}

// testImage is a small image with some structure, so the encoders make
// more than one Huffman run.
func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for y := 0; y < 24; y++ {
		for x := 0; x < 32; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 10), uint8(x ^ y), 255})
		}
	}
	return img
}

// exifTIFF is an Exif TIFF structure (little-endian, as phones write it)
// with IFD0 holding Make, Orientation and a GPS IFD pointer, and the GPS
// IFD holding latitude, longitude and their references.
func exifTIFF(orientation uint16) []byte {
	le := binary.LittleEndian
	var b bytes.Buffer
	w16 := func(v uint16) { binary.Write(&b, le, v) }
	w32 := func(v uint32) { binary.Write(&b, le, v) }
	b.WriteString("II")
	w16(42)
	w32(8)
	// IFD0 at 8: 3 entries → 2 + 36 + 4 = 42 bytes; "Make" text at 50.
	const ifd0 = 8
	const makeAt = ifd0 + 2 + 3*12 + 4
	makeText := "TestPhone\x00"
	gpsAt := uint32(makeAt + len(makeText))
	w16(3)
	w16(0x010F) // Make, ASCII
	w16(2)
	w32(uint32(len(makeText)))
	w32(makeAt)
	w16(0x0112) // Orientation, SHORT
	w16(3)
	w32(1)
	w16(orientation)
	w16(0)
	w16(0x8825) // GPS IFD pointer, LONG
	w16(4)
	w32(1)
	w32(gpsAt)
	w32(0) // no IFD1
	b.WriteString(makeText)
	// GPS IFD: 4 entries → 2 + 48 + 4 = 54 bytes, then 2 × 24 bytes of rationals.
	ratAt := gpsAt + 2 + 4*12 + 4
	w16(4)
	w16(0x0001) // GPSLatitudeRef "N"
	w16(2)
	w32(2)
	b.WriteString("N\x00\x00\x00")
	w16(0x0002) // GPSLatitude, 3 RATIONAL
	w16(5)
	w32(3)
	w32(ratAt)
	w16(0x0003) // GPSLongitudeRef "W"
	w16(2)
	w32(2)
	b.WriteString("W\x00\x00\x00")
	w16(0x0004) // GPSLongitude
	w16(5)
	w32(3)
	w32(ratAt + 24)
	w32(0)
	for _, v := range GPSLatRationals {
		w32(v)
	}
	for _, v := range []uint32{77, 1, 2, 1, 4077, 100} {
		w32(v)
	}
	return b.Bytes()
}

func segment(marker byte, payload []byte) []byte {
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

// XMPWithGPS is an XMP packet naming the place, as some apps write it.
const XMPWithGPS = `http://ns.adobe.com/xap/1.0/` + "\x00" + `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="38,53.8538N" exif:GPSLongitude="77,2.6795W"/></rdf:RDF></x:xmpmeta>`

// JPEGWithGPS encodes a real JPEG and puts, after its JFIF segment, an
// Exif APP1 with a GPS IFD, an XMP APP1 with coordinates and a comment;
// then appends junk after EOI (an executable's header).
func JPEGWithGPS(t testing.TB, orientation uint16) (withGPS, plain []byte) {
	t.Helper()
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, testImage(), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	plain = enc.Bytes()
	// image/jpeg writes SOI then DQT (no JFIF); put APP0 JFIF first, as cameras do.
	jfif := segment(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	var b bytes.Buffer
	b.Write(plain[:2])
	b.Write(jfif)
	b.Write(segment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF(orientation)...)))
	b.Write(segment(0xE1, []byte(XMPWithGPS)))
	b.Write(segment(0xFE, []byte("shot at 1350 Pennsylvania Ave")))
	b.Write(plain[2:])
	b.WriteString("MZ\x90\x00\x03\x00\x00\x00 appended payload")
	return b.Bytes(), plain
}

// PNGWithGPS encodes a real PNG and adds an eXIf chunk with a GPS IFD and
// an iTXt chunk with XMP coordinates before IDAT, and junk after IEND.
func PNGWithGPS(t testing.TB) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := png.Encode(&enc, testImage()); err != nil {
		t.Fatal(err)
	}
	p := enc.Bytes()
	ihdrEnd := 8 + 12 + 13
	var b bytes.Buffer
	b.Write(p[:ihdrEnd])
	b.Write(pngChunk("eXIf", exifTIFF(1)))
	b.Write(pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00"+XMPWithGPS[29:])))
	b.Write(p[ihdrEnd:])
	b.WriteString("<script>alert(1)</script>")
	return b.Bytes()
}

func pngChunk(typ string, data []byte) []byte {
	c := make([]byte, 8, 12+len(data))
	binary.BigEndian.PutUint32(c, uint32(len(data)))
	copy(c[4:], typ)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// WebPWithGPS is a structurally valid extended WebP (VP8X, a lossless
// image chunk whose bytes are not decoded here, EXIF, XMP).
func WebPWithGPS() []byte {
	riffChunk := func(fourcc string, data []byte) []byte {
		c := append([]byte(fourcc), 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(c[4:], uint32(len(data)))
		c = append(c, data...)
		if len(data)%2 == 1 {
			c = append(c, 0)
		}
		return c
	}
	vp8x := []byte{0x08 | 0x04, 0, 0, 0, 31, 0, 0, 23, 0, 0}
	var body bytes.Buffer
	body.WriteString("WEBP")
	body.Write(riffChunk("VP8X", vp8x))
	body.Write(riffChunk("VP8L", []byte{0x2f, 0x1f, 0xc0, 0x05, 0x00, 0x07}))
	body.Write(riffChunk("EXIF", exifTIFF(1)))
	body.Write(riffChunk("XMP ", []byte(XMPWithGPS[29:])))
	out := append([]byte("RIFF"), 0, 0, 0, 0)
	binary.LittleEndian.PutUint32(out[4:], uint32(body.Len()))
	return append(out, body.Bytes()...)
}

// GPSBytes is the latitude as the test photos store it (little-endian
// rationals): no byte sequence of it may survive stripping.
func GPSBytes() []byte {
	var b []byte
	for _, v := range GPSLatRationals {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

// Provider is a fake media host on loopback: Twilio's media resources
// (which need basic auth and redirect to the file) or a CDN (no auth).
type Provider struct {
	*httptest.Server
	User, Password string // empty: no auth asked

	mu      sync.Mutex
	files   map[string][]byte
	Hits    map[string]int // GETs per path, redirects included
	Deleted map[string]bool
	Unauth  int // requests refused for want of the right credentials
}

// NewProvider starts a fake provider; user and password, when set, are
// required on every media resource (not on the redirect's target, as
// Twilio's signed file URLs).
func NewProvider(t testing.TB, user, password string) *Provider {
	p := &Provider{User: user, Password: password, files: map[string][]byte{}, Hits: map[string]int{}, Deleted: map[string]bool{}}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

// Put serves data at path (which must start with "/"): with auth set, a
// GET of path redirects to /files<path>, which serves the bytes.
func (p *Provider) Put(path string, data []byte) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.files[path] = data
	return p.URL + path
}

// HitsOf is how many requests reached path.
func (p *Provider) HitsOf(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.Hits[path]
}

func (p *Provider) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Hits[r.URL.Path]++
	if rest, ok := strings.CutPrefix(r.URL.Path, "/files/"); ok {
		if b, ok := p.files["/"+rest]; ok && !p.Deleted["/"+rest] {
			w.Header().Set("Content-Type", "image/jpeg") // a claim, never trusted
			w.Write(b)
			return
		}
		http.NotFound(w, r)
		return
	}
	if p.User != "" {
		u, pw, ok := r.BasicAuth()
		if !ok || u != p.User || pw != p.Password {
			p.Unauth++
			w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	b, ok := p.files[r.URL.Path]
	if !ok || p.Deleted[r.URL.Path] {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodDelete:
		p.Deleted[r.URL.Path] = true
		w.WriteHeader(http.StatusNoContent)
	case http.MethodGet:
		if p.User != "" {
			http.Redirect(w, r, "/files"+r.URL.Path, http.StatusTemporaryRedirect)
			return
		}
		w.Write(b)
	default:
		http.Error(w, "method", http.StatusMethodNotAllowed)
	}
}
