package locales

// Encoding is the character set an SMS is sent in.
type Encoding int

const (
	// GSM7 is the 7-bit default alphabet: 160 characters in one segment,
	// 153 a segment once a message is split.
	GSM7 Encoding = iota
	// UCS2 is used as soon as one character is outside GSM-7: 70 characters
	// in one segment, 67 a segment once split. Characters outside the Basic
	// Multilingual Plane (most emoji) take two units each.
	UCS2
)

func (e Encoding) String() string {
	if e == GSM7 {
		return "GSM-7"
	}
	return "UCS-2"
}

// gsmBasic is the GSM 03.38 basic character set.
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension characters are sent with an escape and count as two.
const gsmExtension = "^{}\\[~]|€\f"

var gsmCost = func() map[rune]int {
	m := make(map[rune]int, 140)
	for _, r := range gsmBasic {
		m[r] = 1
	}
	for _, r := range gsmExtension {
		m[r] = 2
	}
	return m
}()

// IsGSM7 reports whether r can be sent in the GSM-7 alphabet.
func IsGSM7(r rune) bool { _, ok := gsmCost[r]; return ok }

// SMSInfo describes what a text costs as an SMS.
type SMSInfo struct {
	Encoding Encoding
	Units    int // septets for GSM-7, 16-bit code units for UCS-2
	Segments int
	// NonGSM lists the characters that forced UCS-2, in order of first use.
	NonGSM []rune
}

// MeasureSMS counts the encoding, length and segments of text.
func MeasureSMS(text string) SMSInfo {
	var info SMSInfo
	septets := 0
	for _, r := range text {
		c, ok := gsmCost[r]
		if !ok {
			info.Encoding = UCS2
			if !containsRune(info.NonGSM, r) {
				info.NonGSM = append(info.NonGSM, r)
			}
			continue
		}
		septets += c
	}
	if info.Encoding == GSM7 {
		info.Units = septets
		info.Segments = segments(septets, 160, 153)
		return info
	}
	for _, r := range text {
		if r > 0xFFFF {
			info.Units += 2
		} else {
			info.Units++
		}
	}
	info.Segments = segments(info.Units, 70, 67)
	return info
}

func segments(units, single, multi int) int {
	switch {
	case units == 0:
		return 0
	case units <= single:
		return 1
	default:
		return (units + multi - 1) / multi
	}
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// MeasureMessage is MeasureSMS of a catalog message as it is sent: each
// template action ({{.ref}}) counted as a ten-character value, as lint's
// budget check counts it.
func MeasureMessage(text string) SMSInfo { return MeasureSMS(renderedLength(text)) }
