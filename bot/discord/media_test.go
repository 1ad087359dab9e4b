package discord

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/rightsline/rightsline/bot/media"
	"github.com/rightsline/rightsline/bot/media/mediatest"
	"github.com/rightsline/rightsline/store"
	"github.com/rightsline/rightsline/store/storetest"
)

// TestReportAttachments: /report with its photo option and then a direct
// message with only a PNG attached: both go with the report, fetched from
// a fake Discord CDN on loopback without credentials, stripped of GPS and
// sealed; an attachment on any other host is left out and never fetched.
// On both backends.
func TestReportAttachments(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, backend)
			ctx := t.Context()
			cdn := mediatest.NewProvider(t, "", "")
			h.bot.cfg.CDNBaseURL = cdn.URL
			photo, _ := mediatest.JPEGWithGPS(t, 6)
			photoURL := cdn.Put("/attachments/1/2/sweep.jpg", photo)
			pngURL := cdn.Put("/attachments/1/3/tent.png", mediatest.PNGWithGPS(t))
			other := mediatest.NewProvider(t, "", "")
			otherURL := other.Put("/x.jpg", photo)

			m := member{id: "760000000000000007", locale: "en-US"}
			p := m.command(h, cmdReport, map[string]any{"name": optPhoto, "type": int(discordgo.ApplicationCommandOptionAttachment), "value": "att1"})
			p["data"].(map[string]any)["resolved"] = map[string]any{"attachments": map[string]any{
				"att1": map[string]any{"id": "att1", "filename": "sweep.jpg", "url": photoURL, "proxy_url": photoURL, "content_type": "image/jpeg", "size": len(photo)},
			}}
			if w := h.do(p); w.Code != http.StatusOK {
				t.Fatalf("/report: %d %s", w.Code, w.Body)
			}
			h.bot.OnMessageCreate(h.session, &discordgo.MessageCreate{Message: &discordgo.Message{
				ID: "dm-media-1", ChannelID: "dmchan-7", Timestamp: h.now, Author: &discordgo.User{ID: m.id},
				Attachments: []*discordgo.MessageAttachment{{ID: "a2", URL: pngURL, ContentType: "image/png"}, {ID: "a3", URL: otherURL, ContentType: "image/jpeg"}},
			}})
			c, err := h.store.ContactByAddress(ctx, Channel, m.id)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := h.store.ContactMediaCount(ctx, c.ID); n != 2 {
				t.Fatalf("%d media kept; want the /report photo and the PNG", n)
			}
			w := &media.Worker{Store: h.store, Fetchers: map[string]media.Fetcher{Channel: h.bot.cfg.MediaFetcher()}}
			for range 3 {
				if _, err := w.Work(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if other.HitsOf("/x.jpg") != 0 {
				t.Fatal("an attachment off Discord's CDN was fetched")
			}
			rows, err := h.store.DB().QueryContext(ctx, "SELECT id, state, content_type, stripped FROM media ORDER BY id")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var ids []int64
			for rows.Next() {
				var id int64
				var state, ct string
				var stripped bool
				if err := rows.Scan(&id, &state, &ct, &stripped); err != nil {
					t.Fatal(err)
				}
				if state != store.MediaStored || !stripped {
					t.Errorf("media %d: %s, stripped %v", id, state, stripped)
				}
				got, ids = append(got, ct), append(ids, id)
			}
			rows.Close()
			if len(got) != 2 || got[0] != media.TypeJPEG || got[1] != media.TypePNG {
				t.Fatalf("media types %v", got)
			}
			// The report is not filed yet: the bytes are sealed in the row.
			var data []byte
			if err := h.store.DB().QueryRowContext(ctx, "SELECT data FROM media WHERE id = $1", ids[0]).Scan(&data); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte("rl1.")) || bytes.Contains(data, mediatest.GPSBytes()) {
				t.Fatal("the photo is not sealed")
			}
		})
	}
}
