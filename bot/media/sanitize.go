// Package media is the inbound media pipeline: the worker that fetches
// the photos and documents residents send during a report (stored as
// references with the message, store/media.go), checks their type from
// the bytes and their size, strips location metadata, and stores them
// sealed. Channels provide the Fetcher for their provider (bot/sms:
// Twilio, with the account's credentials; bot/discord: Discord's CDN).
package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image/jpeg"
	"image/png"
)

// Types kept, as sniffed from the bytes (never the provider's claim).
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
	TypePDF  = "application/pdf"
)

// ErrType is a file that is not a photo (JPEG, PNG, WebP) or a PDF,
// whatever it claims to be; ErrBroken one that starts like one but is
// damaged or malformed.
var (
	ErrType   = errors.New("media: not a photo (JPEG, PNG, WebP) or a PDF")
	ErrBroken = errors.New("media: damaged or malformed file")
)

// Sniff names the type of b from its first bytes: one of the Type
// constants, or "" for anything else (HTML, an executable, SVG, HEIC …).
func Sniff(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return TypeJPEG
	case bytes.HasPrefix(b, pngSig):
		return TypePNG
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return TypeWebP
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return TypePDF
	}
	return ""
}

// Clean is what Process keeps of a file.
type Clean struct {
	Type string
	Data []byte
	// Stripped is set when metadata that can hold a location (Exif, XMP,
	// IPTC, PNG text and eXIf chunks) was found and removed.
	Stripped bool
}

// Process sniffs b and, unless keepLocation, removes the metadata that
// can hold a location, without re-encoding the image: a JPEG's Exif (GPS
// among it), XMP and IPTC segments (the Exif orientation is kept, so the
// photo still shows the right way up), a PNG's eXIf and text chunks, a
// WebP's EXIF and XMP chunks. Bytes after the image's end are dropped
// (whatever is appended to a photo is not the photo). A PDF is kept as
// it is (see docs/privacy.md). The structure is checked as it is walked:
// a damaged file is ErrBroken, anything else ErrType.
func Process(b []byte, keepLocation bool) (Clean, error) {
	t := Sniff(b)
	var out []byte
	var stripped bool
	var err error
	switch t {
	case TypeJPEG:
		out, stripped, err = StripJPEG(b, !keepLocation)
		if err == nil {
			_, err = jpeg.DecodeConfig(bytes.NewReader(out))
		}
	case TypePNG:
		out, stripped, err = StripPNG(b, !keepLocation)
		if err == nil {
			_, err = png.DecodeConfig(bytes.NewReader(out))
		}
	case TypeWebP:
		out, stripped, err = StripWebP(b, !keepLocation)
	case TypePDF:
		out = b
	default:
		return Clean{}, ErrType
	}
	if err != nil {
		return Clean{}, ErrBroken
	}
	return Clean{Type: t, Data: out, Stripped: stripped}, nil
}

// StripJPEG walks a JPEG's segments and, when strip is set, drops every
// APPn segment but JFIF (APP0), an ICC profile (APP2 "ICC_PROFILE") and
// Adobe's (APP14) — so Exif with its GPS IFD, XMP, IPTC and maker data go
// — and comments; an Exif orientation other than 1 is written back as a
// minimal Exif holding only it. The entropy-coded data is copied as it
// is (never decoded or re-encoded), and bytes after EOI are dropped.
// stripped reports whether a segment was dropped. Without strip the file
// is only checked and cut at EOI.
func StripJPEG(b []byte, strip bool) (out []byte, stripped bool, err error) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, false, ErrBroken
	}
	out = make([]byte, 0, len(b))
	out = append(out, 0xFF, 0xD8)
	orientation := uint16(0)
	orientAt := -1 // where the orientation Exif goes: after SOI and JFIF
	sawSOS := false
	i := 2
	for {
		// A marker: 0xFF, optional fill 0xFF bytes, the marker code.
		if i >= len(b) || b[i] != 0xFF {
			return nil, false, ErrBroken
		}
		for i < len(b) && b[i] == 0xFF {
			i++
		}
		if i >= len(b) {
			return nil, false, ErrBroken
		}
		m := b[i]
		i++
		switch {
		case m == 0xD9: // EOI
			if !sawSOS {
				return nil, false, ErrBroken
			}
			out = append(out, 0xFF, 0xD9)
			if strip && orientation > 1 && orientation <= 8 {
				out = insertAt(out, orientAt, orientationExif(orientation))
			}
			return out, stripped, nil
		case m >= 0xD0 && m <= 0xD7 || m == 0x01: // RSTn, TEM: no length
			out = append(out, 0xFF, m)
			continue
		case m == 0x00 || m == 0xD8:
			return nil, false, ErrBroken
		}
		if i+2 > len(b) {
			return nil, false, ErrBroken
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return nil, false, ErrBroken
		}
		seg := b[i+2 : i+n]
		// 0xFF, the marker, length and payload (fill bytes dropped).
		whole := append([]byte{0xFF, m}, b[i:i+n]...)
		i += n
		keep := true
		if strip {
			switch {
			case m == 0xE0: // APP0: JFIF, JFXX (a thumbnail holds no location)
			case m == 0xE2 && bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00")):
			case m == 0xEE: // APP14 Adobe: colour transform
			case m >= 0xE0 && m <= 0xEF, m == 0xFE: // other APPn, COM
				keep = false
				if m == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
					if o, ok := exifOrientation(seg[6:]); ok {
						orientation = o
					}
				}
			}
		}
		if !keep {
			// Our own one-entry orientation Exif, written back below, is
			// not something stripped.
			if m != 0xE1 || !bytes.Equal(whole, orientationExif(orientation)) {
				stripped = true
			}
			continue
		}
		out = append(out, whole...)
		if m == 0xE0 && orientAt < 0 {
			orientAt = len(out)
		}
		if m != 0xDA { // SOS: the entropy-coded data follows
			continue
		}
		sawSOS = true
		start := i
		for i < len(b) {
			if b[i] != 0xFF {
				i++
				continue
			}
			if i+1 >= len(b) {
				return nil, false, ErrBroken
			}
			if nx := b[i+1]; nx == 0x00 || nx >= 0xD0 && nx <= 0xD7 {
				i += 2
				continue
			}
			break // a marker ends the scan
		}
		out = append(out, b[start:i]...)
	}
}

// insertAt returns b with seg inserted at offset at (2, after SOI, when at
// is negative).
func insertAt(b []byte, at int, seg []byte) []byte {
	if at < 0 {
		at = 2
	}
	out := make([]byte, 0, len(b)+len(seg))
	out = append(out, b[:at]...)
	out = append(out, seg...)
	return append(out, b[at:]...)
}

// exifOrientation reads the Orientation tag (0x0112) of IFD0 in a TIFF
// structure (the Exif payload after "Exif\0\0").
func exifOrientation(t []byte) (uint16, bool) {
	if len(t) < 8 {
		return 0, false
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0, false
	}
	if bo.Uint16(t[2:]) != 42 {
		return 0, false
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 0, false
	}
	count := int(bo.Uint16(t[off:]))
	for e := 0; e < count; e++ {
		p := off + 2 + 12*e
		if p+12 > len(t) {
			return 0, false
		}
		if bo.Uint16(t[p:]) == 0x0112 && bo.Uint16(t[p+2:]) == 3 {
			return bo.Uint16(t[p+8:]), true
		}
	}
	return 0, false
}

// orientationExif is an APP1 segment with an Exif IFD0 of one entry, the
// orientation; nothing else.
func orientationExif(o uint16) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, byte(o >> 8), byte(o), 0, 0, 0, 0, 0, 0}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

var pngSig = []byte("\x89PNG\r\n\x1a\n")

// pngDropped are the chunks that can hold a location: eXIf (Exif, GPS
// among it) and the text chunks (XMP travels in iTXt).
var pngDropped = map[string]bool{"eXIf": true, "tEXt": true, "zTXt": true, "iTXt": true}

// StripPNG walks a PNG's chunks, checking each CRC, and drops the eXIf
// and text chunks when strip is set; bytes after IEND are dropped. The
// image data is copied as it is.
func StripPNG(b []byte, strip bool) (out []byte, stripped bool, err error) {
	if !bytes.HasPrefix(b, pngSig) {
		return nil, false, ErrBroken
	}
	out = make([]byte, 0, len(b))
	out = append(out, pngSig...)
	i := len(pngSig)
	first := true
	for {
		if i+12 > len(b) {
			return nil, false, ErrBroken
		}
		n := int(binary.BigEndian.Uint32(b[i:]))
		if n < 0 || n > len(b)-i-12 {
			return nil, false, ErrBroken
		}
		typ := string(b[i+4 : i+8])
		chunk := b[i : i+12+n]
		if crc32.ChecksumIEEE(chunk[4:8+n]) != binary.BigEndian.Uint32(chunk[8+n:]) {
			return nil, false, ErrBroken
		}
		if first && typ != "IHDR" {
			return nil, false, ErrBroken
		}
		first = false
		i += 12 + n
		if strip && pngDropped[typ] {
			stripped = true
			continue
		}
		out = append(out, chunk...)
		if typ == "IEND" {
			return out, stripped, nil
		}
	}
}

// StripWebP walks a WebP's RIFF chunks and drops EXIF and XMP when strip
// is set, clearing their flags in VP8X and fixing the RIFF size; bytes
// after the RIFF size are dropped.
func StripWebP(b []byte, strip bool) (out []byte, stripped bool, err error) {
	if len(b) < 20 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return nil, false, ErrBroken
	}
	size := int(binary.LittleEndian.Uint32(b[4:]))
	if size < 4 || size > len(b)-8 {
		return nil, false, ErrBroken
	}
	body := b[12 : 8+size]
	out = make([]byte, 12, len(b))
	copy(out, b[:12])
	vp8x := -1
	sawImage := false
	for i := 0; i < len(body); {
		if i+8 > len(body) {
			return nil, false, ErrBroken
		}
		fourcc := string(body[i : i+4])
		n := int(binary.LittleEndian.Uint32(body[i+4:]))
		padded := n + n&1
		if n < 0 || padded > len(body)-i-8 {
			return nil, false, ErrBroken
		}
		chunk := body[i : i+8+padded]
		i += 8 + padded
		switch fourcc {
		case "EXIF", "XMP ":
			if strip {
				stripped = true
				continue
			}
		case "VP8X":
			if n < 10 {
				return nil, false, ErrBroken
			}
			vp8x = len(out)
		case "VP8 ", "VP8L", "ANIM":
			sawImage = true
		}
		out = append(out, chunk...)
	}
	if !sawImage {
		return nil, false, ErrBroken
	}
	if strip && vp8x >= 0 {
		out[vp8x+8] &^= 0x08 | 0x04 // EXIF and XMP flags
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, stripped, nil
}
