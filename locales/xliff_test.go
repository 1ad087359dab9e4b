package locales

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestXLIFFRoundTrip(t *testing.T) {
	units := []XLIFFUnit{
		{ID: "main.menu", Source: "Reply:\n1 Housing\n  2 <b>Police</b> & more", Target: "ምረጡ፦\n1 ቤት\n  2 ፖሊስ", Description: "Top menu.", SourceHash: SourceHash("Top menu.", "x"), Review: ReviewReviewed},
		{ID: "common.help", Source: "Help {{.x}}", Target: "እገዛ {{.x}}", SourceHash: "sha1-h", Review: ReviewDraft},
		{ID: "kw.yes", Source: "yes, y", SourceHash: "sha1-k", Review: ReviewDraft},
	}
	var b bytes.Buffer
	if err := WriteXLIFF(&b, Amharic, units); err != nil {
		t.Fatal(err)
	}
	l, got, err := ReadXLIFF(&b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if l != Amharic || !reflect.DeepEqual(got, units) {
		t.Fatalf("round trip:\n got %s %+v\nwant %+v", l, got, units)
	}
}

func TestXLIFFRefusesBadFiles(t *testing.T) {
	ok := `<?xml version="1.0"?><xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="am"><file id="f"><unit id="a"><segment><source>Hi</source><target>ሰላም</target></segment></unit></file></xliff>`
	if _, _, err := ReadXLIFF(strings.NewReader(ok)); err != nil {
		t.Fatalf("a minimal file: %v", err)
	}
	for name, c := range map[string]struct{ doc, want string }{
		"empty":       {"", "empty"},
		"binary":      {"PK\x03\x04\x00\x00", "not UTF-8"},
		"not xml":     {"id,text\na,b\n", "does not parse"},
		"xliff 1.2":   {`<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file/></xliff>`, "XLIFF 2.0 namespace"},
		"html":        {`<html><body>hi</body></html>`, "XLIFF 2.0 namespace"},
		"version":     {strings.Replace(ok, `version="2.0"`, `version="2.1"`, 1), `version is "2.1"`},
		"source lang": {strings.Replace(ok, `srcLang="en"`, `srcLang="fr"`, 1), `source language is "fr"`},
		"target lang": {strings.Replace(ok, `trgLang="am"`, `trgLang="tlh"`, 1), `target language "tlh"`},
		"english":     {strings.Replace(ok, `trgLang="am"`, `trgLang="en"`, 1), `target language "en"`},
		"no id":       {strings.Replace(ok, `unit id="a"`, `unit`, 1), "no id"},
		"twice":       {strings.Replace(ok, `</unit>`, `</unit><unit id="a"><segment><source>Hi</source></segment></unit>`, 1), "twice"},
		"two segs":    {strings.Replace(ok, `</segment>`, `</segment><segment><source>x</source></segment>`, 1), "2 segments"},
		"inline":      {strings.Replace(ok, `<target>ሰላም</target>`, `<target>ሰ<ph id="1"/>ላም</target>`, 1), "inline markup (<ph>)"},
		"state":       {strings.Replace(ok, `<segment>`, `<segment state="approved">`, 1), `state "approved"`},
		"no units":    {`<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="am"><file id="f"></file></xliff>`, "no <unit>"},
		"huge":        {ok + strings.Repeat(" ", MaxXLIFFBytes), "larger than"},
	} {
		_, _, err := ReadXLIFF(strings.NewReader(c.doc))
		if !errors.Is(err, ErrBadXLIFF) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want ErrBadXLIFF saying %q", name, err, c.want)
		}
	}
}
